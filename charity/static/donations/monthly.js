// Start a monthly gift: the server opens a SetupIntent, Stripe.js saves the card with
// confirmCardSetup, then the server subscribes the saved card. The form carries one start key,
// so sending it again (after a declined card, a lost answer) starts the same gift; a gift like
// one the donor already has is started only once they tick the confirmation box.
(function () {
  "use strict";
  const form = document.getElementById("monthly-form");
  if (!form || typeof Stripe === "undefined") { return; }
  const errorBox = document.getElementById("monthly-error");
  const button = document.getElementById("monthly-button");

  function busy(on) {
    button.disabled = on;
    if (on) { button.setAttribute("aria-busy", "true"); } else { button.removeAttribute("aria-busy"); }
  }
  function fail(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    busy(false);
  }

  const stripe = Stripe(form.dataset.key);
  const card = stripe.elements().create("card");
  card.mount("#monthly-card");

  // Activation is idempotent on the server: a retry after a lost answer subscribes once.
  // Its redirect is not followed, so the message it flashes shows on the reloaded page.
  async function activate(url, csrf) {
    const body = new FormData();
    body.set("csrf_token", csrf);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await fetch(url, {method: "POST", body: body, redirect: "manual"});
        return;
      } catch (err) {
        await new Promise(function (resolve) { setTimeout(resolve, 1000); });
      }
    }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    busy(true);
    const data = new FormData(form);
    let response, reply;
    try {
      response = await fetch(form.action, {method: "POST", body: data});
      reply = await response.json();
    } catch (err) {
      return fail(form.dataset.network);
    }
    if (response.status === 409 && reply.confirm) {
      document.getElementById("monthly-confirm").hidden = false;
      return fail(reply.error);
    }
    if (!response.ok) { return fail(reply.error); }
    const result = await stripe.confirmCardSetup(reply.client_secret,
                                                 {payment_method: {card: card}});
    if (result.error) {
      const own = JSON.parse(form.dataset.refusals || "{}");
      const error = result.error;
      return fail(own[error.decline_code] || own[error.code] || own[error.type] ||
                  form.dataset.failed);
    }
    await activate(reply.activate_url, data.get("csrf_token"));
    window.location.reload();
  });
})();
