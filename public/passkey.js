// Passkey pages: asks the browser for a passkey (sign-in) or a new one (registration) with the options the page
// carries, and posts the result. Without WebAuthn the page says so and the other ways stay.
(() => {
  var lib = window.SimpleWebAuthnBrowser;
  document.querySelectorAll('form[data-passkey]').forEach((form) => {
    var button = form.querySelector('[data-passkey-start]');
    var field = form.querySelector('input[name="credential"]');
    var failed = form.querySelector('[data-passkey-error]');
    var unsupported = form.querySelector('[data-passkey-unsupported]');
    if (!button || !field) return;
    if (!lib?.browserSupportsWebAuthn()) {
      button.hidden = true;
      if (unsupported) unsupported.hidden = false;
      return;
    }
    button.hidden = false;
    var optionsJSON = JSON.parse(form.getAttribute('data-options'));
    var start = form.getAttribute('data-passkey') === 'create' ? lib.startRegistration : lib.startAuthentication;
    button.addEventListener('click', () => {
      if (failed) failed.hidden = true;
      button.disabled = true;
      start({ optionsJSON: optionsJSON }).then(
        (result) => {
          field.value = JSON.stringify(result);
          form.submit();
        },
        () => {
          // cancelled, timed out, or no matching passkey on this device: nothing was sent
          button.disabled = false;
          if (failed) failed.hidden = false;
        },
      );
    });
  });
})();
