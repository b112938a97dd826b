// Optional helpers (the pages work without them): forms that send themselves, show-password toggle, copy, print.
(() => {
  // A form that sends itself: signing out with a valid id_token_hint (templates/pages/logout-now.hbs)
  document.querySelectorAll('form[data-auto-submit]').forEach((form) => {
    form.submit();
  });

  function announce(text) {
    var live = document.querySelector('[data-live-status]');
    if (!live) return;
    live.textContent = '';
    // a fresh text node after a tick makes screen readers announce repeated messages too
    window.setTimeout(() => {
      live.textContent = text;
    }, 50);
  }

  // Show / hide password
  document.querySelectorAll('[data-toggle-password]').forEach((button) => {
    var input = document.getElementById(button.getAttribute('data-toggle-password'));
    if (!input) return;
    function show(visible) {
      input.type = visible ? 'text' : 'password';
      button.textContent = button.getAttribute(visible ? 'data-label-hide' : 'data-label-show');
      button.setAttribute('aria-label', button.getAttribute(visible ? 'data-aria-hide' : 'data-aria-show'));
    }
    button.hidden = false;
    button.addEventListener('click', () => {
      show(input.type === 'password');
      input.focus();
    });
    // never submit (or let the browser remember) a password while it is shown as text
    if (input.form) {
      input.form.addEventListener('submit', () => {
        show(false);
      });
    }
  });

  // Copy: the text of the target, or its [data-copy-item] children one per line
  function textOf(target, compact) {
    var items = target.querySelectorAll('[data-copy-item]');
    var text = items.length
      ? Array.prototype.map.call(items, (el) => el.textContent.trim()).join('\n')
      : target.textContent.trim();
    return compact ? text.replace(/\s+/g, '') : text;
  }

  function legacyCopy(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'visually-hidden';
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error('copy failed'));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(() => {
        return legacyCopy(text);
      });
    }
    return legacyCopy(text);
  }

  document.querySelectorAll('[data-copy-target]').forEach((button) => {
    var target = document.getElementById(button.getAttribute('data-copy-target'));
    if (!target) return;
    var label = button.textContent;
    var timer;
    button.hidden = false;
    button.addEventListener('click', () => {
      copy(textOf(target, button.hasAttribute('data-copy-compact'))).then(
        () => {
          var done = button.getAttribute('data-copied-label') || label;
          button.textContent = done;
          announce(done);
          window.clearTimeout(timer);
          timer = window.setTimeout(() => {
            button.textContent = label;
          }, 2000);
        },
        () => {
          // leave the text selected so it can be copied by hand
          var range = document.createRange();
          range.selectNodeContents(target);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          announce(button.getAttribute('data-failed-label') || '');
        },
      );
    });
  });

  // The PIN keypad of a touch till (templates/pages/quick-switch-pin.hbs): taps type into the PIN field, which stays
  // the form's one input (and works with a keyboard); with the keypad on screen a touch screen keeps its own keyboard away
  document.querySelectorAll('[data-pin-pad]').forEach((pad) => {
    var input = document.getElementById(pad.getAttribute('data-pin-pad'));
    if (!input) return;
    var max = Number(input.getAttribute('maxlength')) || 8;
    function changed() {
      input.removeAttribute('aria-invalid');
      announce((pad.getAttribute('data-digits-label') || '').replace('#', String(input.value.length)));
    }
    pad.hidden = false;
    if (window.matchMedia('(pointer: coarse)').matches) input.setAttribute('inputmode', 'none');
    pad.addEventListener('click', (event) => {
      var key = event.target.closest('button');
      if (!key) return;
      if (key.hasAttribute('data-digit')) {
        if (input.value.length >= max) return;
        input.value += key.getAttribute('data-digit');
      } else if (key.hasAttribute('data-pin-back')) {
        input.value = input.value.slice(0, -1);
      } else if (key.hasAttribute('data-pin-clear')) {
        input.value = '';
      }
      changed();
    });
  });

  // Print
  document.querySelectorAll('[data-print]').forEach((button) => {
    button.hidden = false;
    button.addEventListener('click', () => {
      window.print();
    });
  });
})();
