// Appended by our localstripe runner to localstripe's fake Stripe.js (whose LOCALSTRIPE_BASE_API
// and openModal it uses). confirmCardPayment as Stripe.js does it: the card typed on the page goes
// with the client secret to /v1/payment_intents/<id>/confirm, 3-D Secure is asked for when the
// PaymentIntent needs it, and a refusal comes back as `{error}` carrying the PaymentIntent, so
// the page may confirm the same PaymentIntent again with another card.
(function () {
  "use strict";
  const localstripe = Stripe;

  async function post(path, body) {
    try {
      const response = await fetch(LOCALSTRIPE_BASE_API + path,
        {method: "POST", body: JSON.stringify(body)});
      const reply = await response.json().catch(() => ({}));
      if (response.ok && !reply.error) { return {paymentIntent: reply}; }
      return {error: reply.error || {type: "api_error", message: "HTTP " + response.status}};
    } catch (err) {
      return {error: {type: "api_connection_error", message: String(err)}};
    }
  }

  // Stripe.js reports a PaymentIntent left needing a payment method as an error.
  function outcome(result) {
    const intent = result.paymentIntent;
    if (intent && intent.status === "requires_payment_method" && intent.last_payment_error) {
      return {error: Object.assign({payment_intent: intent}, intent.last_payment_error)};
    }
    return result;
  }

  async function authenticate(apiKey, clientSecret, intent) {
    const success = await openModal("3D Secure\nDo you want to confirm or cancel?",
      "Complete authentication", "Fail authentication");
    return outcome(await post(`/v1/payment_intents/${intent}/_authenticate?success=${success}`,
      {key: apiKey, client_secret: clientSecret}));
  }

  Stripe = (apiKey, options) => {
    const stripe = localstripe(apiKey, options);
    stripe.confirmCardPayment = async (clientSecret, data) => {
      const intent = clientSecret.match(/^(pi_\w+)_secret_/)[1];
      const element = data && data.payment_method && data.payment_method.card;
      const body = {key: apiKey, client_secret: clientSecret};
      if (element) {
        if (!element.value) {
          return {error: {type: "validation_error", code: "incomplete_number",
                          message: "Your card number is incomplete."}};
        }
        body.payment_method_data = {type: "card", card: element.value.card};
      }
      const confirmed = await post(`/v1/payment_intents/${intent}/confirm`, body);
      if (confirmed.paymentIntent && confirmed.paymentIntent.status === "requires_action") {
        return authenticate(apiKey, clientSecret, intent);
      }
      return outcome(confirmed);
    };
    return stripe;
  };
})();
