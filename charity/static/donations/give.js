// The giving page: the server opens a PaymentIntent, Stripe.js confirms it, and the page then
// shows what the server knows (the webhook decides), never a guess.
(function () {
  "use strict";
  const form = document.getElementById("give-form");
  if (!form || typeof Stripe === "undefined") { return; }
  const messages = JSON.parse(document.getElementById("give-messages").textContent);
  const stripe = Stripe(form.dataset.key);
  const card = stripe.elements().create("card");
  card.mount("#card-element");
  const errorBox = document.getElementById("give-error");
  const button = document.getElementById("give-button");

  function fail(message) {
    errorBox.textContent = message || messages.failed;
    errorBox.hidden = false;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }

  function chosen() {
    const picked = form.querySelector("[name=method]:checked") ||
      form.querySelector("[name=method]");
    return picked ? picked.value : "card";
  }
  form.querySelectorAll("[name=method]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      document.getElementById("card-box").hidden = chosen() !== "card";
    });
  });

  // Each method confirms with its own Stripe.js call; WeChat Pay shows its QR code,
  // Alipay redirects and comes back to the gift's status page.
  function confirm(reply) {
    if (reply.method === "wechat_pay") {
      return stripe.confirmWechatPayPayment(reply.client_secret,
        {payment_method_options: {wechat_pay: {client: "web"}}});
    }
    if (reply.method === "alipay") {
      return stripe.confirmAlipayPayment(reply.client_secret,
        {return_url: new URL(reply.status_url, window.location.href).href});
    }
    return stripe.confirmCardPayment(reply.client_secret,
      form.dataset.localstripe === "1" ? undefined : {payment_method: {card: card}});
  }

  form.querySelectorAll(".preset").forEach(function (preset) {
    preset.addEventListener("click", function () {
      form.querySelector("[name=amount]").value = preset.dataset.yuan;
    });
  });

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    const data = new FormData(form);
    if (form.dataset.localstripe === "1" && chosen() === "card") {
      // localstripe's Stripe.js cannot confirm a card on the page: tokenise the test card,
      // and the server attaches and confirms it (3-D Secure cards still come back here).
      const tokenised = await stripe.createToken(card);
      if (tokenised.error) { return fail(tokenised.error.message); }
      data.set("card", tokenised.token.card.id);
    }
    let reply;
    try {
      const response = await fetch(form.action, {method: "POST", body: data});
      reply = await response.json();
      if (!response.ok) { return fail(reply.error); }
    } catch (err) {
      return fail(messages.network);
    }
    if (reply.confirm) {
      const result = await confirm(reply);
      if (result.error) { return fail(result.error.message); }
    }
    window.location.assign(reply.status_url);
  });
})();
