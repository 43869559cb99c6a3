// The giving page: the server opens a gift and its PaymentIntent, Stripe.js confirms it, and the
// page then shows what the server knows (the webhook decides), never a guess. A declined card
// is told in the page's language, and the donor's next try confirms the same PaymentIntent
// with another card, as Stripe allows, unless they changed the gift meanwhile.
(function () {
  "use strict";
  const form = document.getElementById("give-form");
  if (!form || typeof Stripe === "undefined") { return; }
  const messages = JSON.parse(form.dataset.messages);
  const stripe = Stripe(form.dataset.key, {locale: form.dataset.locale});
  const card = stripe.elements().create("card");
  card.mount("#card-element");
  const errorBox = document.getElementById("give-error");
  const button = document.getElementById("give-button");
  let open = null;  // the gift whose payment did not go through: {gift, reply}

  function fail(message) {
    errorBox.textContent = message || messages.failed;
    errorBox.hidden = false;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }

  // Our own words for Stripe's decline code or error code, never Stripe's English.
  function refusal(error) {
    const own = messages.refusals;
    return own[error.decline_code] || own[error.code] || own[error.type] || messages.failed;
  }

  // A PaymentIntent Stripe refused may be confirmed again while it needs a payment method.
  function retryable(error) {
    const intent = error.payment_intent;
    return error.code !== "payment_intent_unexpected_state" &&
      (!intent || intent.status === "requires_payment_method");
  }

  // What the gift is (the amount, what for, who): a change means a new gift.
  function giftOf(data) {
    const fields = [];
    data.forEach(function (value, name) {
      if (name !== "csrf_token") { fields.push(name + "=" + value); }
    });
    return fields.join("&");
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
    return stripe.confirmCardPayment(reply.client_secret, {payment_method: {card: card}});
  }

  async function startGift(data) {
    try {
      const response = await fetch(form.action, {method: "POST", body: data});
      const reply = await response.json();
      if (!response.ok) { fail(reply.error); return null; }
      return reply;
    } catch (err) {
      fail(messages.network);
      return null;
    }
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
    const gift = giftOf(data);
    const reply = open && open.gift === gift ? open.reply : await startGift(data);
    open = null;
    if (!reply) { return; }
    if (reply.confirm) {
      let result;
      try {
        result = await confirm(reply);
      } catch (err) {  // never leave the button spinning
        open = {gift: gift, reply: reply};
        return fail(messages.failed);
      }
      if (result.error) {
        open = retryable(result.error) ? {gift: gift, reply: reply} : null;
        return fail(refusal(result.error));
      }
    }
    window.location.assign(reply.status_url);
  });
})();

// The monthly offer's link carries the amount and designation chosen above (the server wrote
// them in at first, so the link works without this script too).
(function monthlyOffer(form, link) {
  "use strict";
  if (!form || !link) { return; }
  function update() {
    const url = new URL(link.href, window.location.href);
    ["amount", "designation"].forEach(function (name) {
      const input = form.querySelector("[name=" + name + "]");
      if (input) { url.searchParams.set(name, input.value); }
    });
    link.href = url.pathname + url.search;
  }
  ["input", "change", "click"].forEach(function (kind) {
    form.addEventListener(kind, update);
  });
})(document.getElementById("give-form"), document.getElementById("monthly-link"));
