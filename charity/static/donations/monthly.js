// Start a monthly gift: the server opens a SetupIntent, Stripe.js saves the card with
// confirmCardSetup, then the server subscribes the saved card.
(function () {
  "use strict";
  const form = document.getElementById("monthly-form");
  if (!form || typeof Stripe === "undefined") { return; }
  const stripe = Stripe(form.dataset.key);
  const card = stripe.elements().create("card");
  card.mount("#monthly-card");
  const errorBox = document.getElementById("monthly-error");
  function fail(message) { errorBox.textContent = message; errorBox.hidden = false; }
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    const data = new FormData(form);
    const response = await fetch(form.action, {method: "POST", body: data});
    const reply = await response.json();
    if (!response.ok) { return fail(reply.error); }
    const result = await stripe.confirmCardSetup(reply.client_secret,
                                                 {payment_method: {card: card}});
    if (result.error) { return fail(result.error.message); }
    const activate = new FormData();
    activate.set("csrf_token", data.get("csrf_token"));
    await fetch(reply.activate_url, {method: "POST", body: activate});
    window.location.reload();
  });
})();
