/*
 * Local stand-in for Shopify App Bridge (https://cdn.shopify.com/shopifycloud/app-bridge.js), served
 * by the store simulator at /app-bridge.js. Loaded by the app ONLY when STORESYNC_SIMULATOR_URL is
 * set. It provides the parts of App Bridge the app uses:
 *   - global `shopify`: config, idToken(), toast.show(), loading(), modal.*, saveBar.* (no-op), ready
 *   - window.fetch patched to add `Authorization: Bearer <id token>` to same-origin requests, retry
 *     once on `X-Shopify-Retry-Invalid-Session-Request`, follow `X-Shopify-API-Request-Failure-Reauthorize-Url`
 *   - the session-token bounce page (`shopify-reload` param → reload with a fresh `id_token`)
 *   - custom elements ui-nav-menu (links → shell nav), ui-title-bar (→ shell title bar), ui-modal
 *     (rendered in place as an overlay), ui-save-bar (hidden)
 *   - navigation keeps `embedded`/`shop`/`host`/`locale`; the shell's URL follows the app's path
 * It talks to the admin shell (the parent window) with postMessage ({ source: "storesync-sim", type }).
 * Plain browser JavaScript, no build step.
 */
(function () {
  "use strict";
  if (window.shopify && window.shopify.__simulator) return;

  var SOURCE = "storesync-sim";
  var script = document.currentScript;
  var simOrigin = script && script.src ? new URL(script.src).origin : location.origin;
  var apiKey = (script && (script.getAttribute("data-api-key") || script.dataset.apiKey)) || "";
  var framed = window.parent !== window;
  var KEPT_PARAMS = ["embedded", "shop", "host", "locale"];

  // --- context (shop/host) from the URL, remembered for in-app navigations -----------------------
  var params = new URLSearchParams(location.search);
  var stored = {};
  try {
    stored = JSON.parse(sessionStorage.getItem("storesync-sim:context") || "{}");
  } catch (_e) {
    stored = {};
  }
  var context = {};
  KEPT_PARAMS.forEach(function (k) {
    var v = params.get(k) || stored[k];
    if (v) context[k] = v;
  });
  try {
    sessionStorage.setItem("storesync-sim:context", JSON.stringify(context));
  } catch (_e) {
    /* storage unavailable */
  }

  function post(type, data) {
    if (!framed) return false;
    var msg = Object.assign({ source: SOURCE, type: type }, data || {});
    window.parent.postMessage(msg, "*");
    return true;
  }

  // --- requests to the shell (id tokens) -------------------------------------------------------------
  var nextId = 1;
  var pending = {};
  function ask(type, data, timeoutMs) {
    return new Promise(function (resolve, reject) {
      var id = nextId++;
      var timer = setTimeout(function () {
        delete pending[id];
        reject(new Error("App Bridge stand-in: no answer from the admin shell to " + type));
      }, timeoutMs || 5000);
      pending[id] = function (answer) {
        clearTimeout(timer);
        delete pending[id];
        if (answer.error) reject(new Error(answer.error));
        else resolve(answer);
      };
      post(type, Object.assign({ id: id }, data || {}));
    });
  }

  var cachedToken = null;
  var cachedExp = 0;
  function tokenExp(token) {
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(part)).exp || 0;
    } catch (_e) {
      return 0;
    }
  }
  function fetchToken() {
    if (framed) {
      return ask("idToken", {}).then(function (a) {
        return a.idToken;
      });
    }
    // Not inside the admin shell: ask the simulator directly (same token the shell would mint).
    if (!context.shop) return Promise.reject(new Error("App Bridge stand-in: no shop in the URL"));
    var handle = context.shop.replace(/\.myshopify\.com$/, "");
    return originalFetch(simOrigin + "/store/" + encodeURIComponent(handle) + "/session-token")
      .then(function (r) {
        if (!r.ok) throw new Error("session token request failed: " + r.status);
        return r.json();
      })
      .then(function (b) {
        return b.idToken;
      });
  }
  /** A session token valid for at least 10 more seconds (App Bridge caches them the same way). */
  function idToken(force) {
    var now = Date.now() / 1000;
    if (!force && cachedToken && cachedExp - now > 10) return Promise.resolve(cachedToken);
    return fetchToken().then(function (t) {
      cachedToken = t;
      cachedExp = tokenExp(t);
      return t;
    });
  }
  var initialToken = params.get("id_token");
  if (initialToken) {
    cachedToken = initialToken;
    cachedExp = tokenExp(initialToken);
  }

  // --- fetch: Authorization header for the app's own requests ------------------------------------------
  var originalFetch = window.fetch.bind(window);
  function isAppRequest(url) {
    try {
      return new URL(url, location.href).origin === location.origin;
    } catch (_e) {
      return false;
    }
  }
  function handleReauthorize(response) {
    var reauth = response.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url");
    if (reauth) redirectTo(reauth);
  }
  window.fetch = function (input, init) {
    var request = new Request(input, init);
    if (!isAppRequest(request.url) || request.headers.has("Authorization"))
      return originalFetch(request);
    var retry = request.method === "GET" || request.method === "HEAD" ? request.clone() : null;
    return idToken(false).then(function (token) {
      request.headers.set("Authorization", "Bearer " + token);
      return originalFetch(request).then(function (response) {
        if (
          response.status === 401 &&
          retry &&
          response.headers.get("X-Shopify-Retry-Invalid-Session-Request") === "1"
        ) {
          return idToken(true).then(function (fresh) {
            retry.headers.set("Authorization", "Bearer " + fresh);
            return originalFetch(retry).then(function (second) {
              handleReauthorize(second);
              return second;
            });
          });
        }
        handleReauthorize(response);
        return response;
      });
    });
  };

  // --- navigation ---------------------------------------------------------------------------------------
  function withContext(href) {
    var url = new URL(href, location.href);
    if (url.origin !== location.origin) return url.href;
    KEPT_PARAMS.forEach(function (k) {
      if (context[k] && !url.searchParams.has(k)) url.searchParams.set(k, context[k]);
    });
    return url.href;
  }
  function redirectTo(href) {
    var url = new URL(href, location.href);
    if (url.origin === location.origin) location.assign(withContext(url.href));
    else if (!post("redirect", { url: url.href })) location.assign(url.href);
  }
  function appPath() {
    var url = new URL(location.href);
    ["id_token", "embedded", "shop", "host", "locale", "hmac", "session", "timestamp"].forEach(
      function (k) {
        url.searchParams.delete(k);
      },
    );
    return url.pathname + url.search + url.hash;
  }
  function reportLocation() {
    post("location", { path: appPath() });
  }
  ["pushState", "replaceState"].forEach(function (name) {
    var original = history[name];
    history[name] = function (state, title, url) {
      var result = original.call(history, state, title, url == null ? url : withContext(url));
      reportLocation();
      return result;
    };
  });
  window.addEventListener("popstate", reportLocation);
  // Full-page navigations through plain links keep the embedded context too.
  window.addEventListener("click", function (event) {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey
    )
      return;
    var a = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (!a || (a.target && a.target !== "_self")) return;
    if (a.origin === location.origin) a.href = withContext(a.href);
  });

  // --- shell messages -----------------------------------------------------------------------------------
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !event.data || event.data.source !== SOURCE) return;
    var msg = event.data;
    if (msg.type === "answer" && pending[msg.id]) return pending[msg.id](msg);
    if (msg.type === "navigate") return navigate(msg.href);
    if (msg.type === "titleBarAction") return clickTitleBarButton(msg.index);
  });
  function navigate(href) {
    var menu = document.querySelector("ui-nav-menu");
    var target = new URL(href, location.href);
    var links = menu ? menu.querySelectorAll("a[href]") : [];
    for (var i = 0; i < links.length; i++) {
      var linkUrl = new URL(links[i].getAttribute("href"), location.href);
      if (linkUrl.pathname === target.pathname) {
        // What App Bridge does: the app (AppProvider) listens for shopify:navigate and routes client-side.
        links[i].dispatchEvent(
          new CustomEvent("shopify:navigate", { bubbles: true, composed: true }),
        );
        return;
      }
    }
    location.assign(withContext(target.href));
  }

  // --- custom elements ---------------------------------------------------------------------------------
  var style = document.createElement("style");
  style.textContent =
    "ui-nav-menu,ui-title-bar,ui-save-bar,ui-modal{display:none}" +
    ".sim-ab-overlay{position:fixed;inset:0;background:rgba(0,0,0,.5);display:flex;align-items:center;justify-content:center;z-index:2147483000;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,sans-serif}" +
    ".sim-ab-dialog{background:#fff;border-radius:12px;min-width:320px;max-width:min(620px,92vw);max-height:86vh;display:flex;flex-direction:column;box-shadow:0 20px 40px rgba(0,0,0,.3)}" +
    ".sim-ab-dialog[data-variant=large]{max-width:min(980px,92vw);width:980px}.sim-ab-dialog[data-variant=max]{width:96vw;height:94vh;max-width:none;max-height:none}" +
    ".sim-ab-head{display:flex;justify-content:space-between;align-items:center;padding:12px 16px;border-bottom:1px solid #e3e3e3;font-weight:650;font-size:14px;background:#f3f3f3;border-radius:12px 12px 0 0}" +
    ".sim-ab-body{padding:16px;overflow:auto;flex:1}.sim-ab-foot{display:flex;justify-content:flex-end;gap:8px;padding:12px 16px;border-top:1px solid #e3e3e3}" +
    ".sim-ab-foot button,.sim-ab-head button{border:1px solid #ccc;border-radius:8px;background:#fff;padding:6px 12px;cursor:pointer;font:inherit}" +
    ".sim-ab-foot button[data-variant=primary]{background:#303030;color:#fff;border-color:#303030}" +
    ".sim-ab-toast{position:fixed;bottom:24px;left:50%;transform:translateX(-50%);background:#303030;color:#fff;padding:10px 16px;border-radius:10px;z-index:2147483001;font:14px sans-serif}" +
    ".sim-ab-toast[data-error]{background:#8e1f0b}";
  (document.head || document.documentElement).appendChild(style);

  function buttonsOf(el) {
    var out = [];
    for (var i = 0; i < el.children.length; i++) {
      var c = el.children[i];
      if (
        c.tagName === "BUTTON" ||
        (c.tagName === "A" && c.getAttribute("variant") !== "breadcrumb")
      )
        out.push(c);
    }
    return out;
  }
  function describeButtons(el) {
    return buttonsOf(el).map(function (b) {
      return {
        label: (b.textContent || "").trim(),
        variant: b.getAttribute("variant") || "",
        tone: b.getAttribute("tone") || "",
        disabled: b.hasAttribute("disabled"),
      };
    });
  }
  function observe(el, callback) {
    var mo = new MutationObserver(callback);
    mo.observe(el, { attributes: true, childList: true, subtree: true, characterData: true });
    return mo;
  }

  function collectNav(menu) {
    var links = [];
    menu.querySelectorAll("a[href]").forEach(function (a) {
      var url = new URL(a.getAttribute("href"), location.href);
      links.push({
        href: url.pathname + url.search,
        label: (a.textContent || "").trim(),
        rel: a.getAttribute("rel") || "",
      });
    });
    post("navMenu", { links: links });
  }
  var activeTitleBar = null;
  function sendTitleBar(el) {
    activeTitleBar = el;
    post(
      "titleBar",
      el
        ? { title: el.getAttribute("title") || "", buttons: describeButtons(el) }
        : { title: null, buttons: [] },
    );
  }
  function clickTitleBarButton(index) {
    if (!activeTitleBar) return;
    var b = buttonsOf(activeTitleBar)[index];
    if (b && !b.hasAttribute("disabled")) b.click();
  }

  function define(name, ctor) {
    if (window.customElements && !customElements.get(name)) customElements.define(name, ctor);
  }

  define(
    "ui-nav-menu",
    class extends HTMLElement {
      connectedCallback() {
        collectNav(this);
        this._mo = observe(this, () => collectNav(this));
      }
      disconnectedCallback() {
        if (this._mo) this._mo.disconnect();
      }
    },
  );

  define(
    "ui-title-bar",
    class extends HTMLElement {
      connectedCallback() {
        if (this.closest("ui-modal")) return; // a modal's own title bar
        sendTitleBar(this);
        this._mo = observe(this, () => {
          if (activeTitleBar === this) sendTitleBar(this);
        });
      }
      disconnectedCallback() {
        if (this._mo) this._mo.disconnect();
        if (activeTitleBar === this)
          sendTitleBar(document.querySelector("ui-title-bar:not(ui-modal ui-title-bar)"));
      }
    },
  );

  define("ui-save-bar", class extends HTMLElement {});

  class UiModal extends HTMLElement {
    constructor() {
      super();
      /** React's <Modal> portals its content here (as App Bridge's modal.content). */
      this.content = document.createElement("div");
      this._overlay = null;
    }
    get open() {
      return !!this._overlay;
    }
    show() {
      if (this._overlay) return Promise.resolve();
      var titleBar = this.querySelector("ui-title-bar");
      var overlay = document.createElement("div");
      overlay.className = "sim-ab-overlay";
      var dialog = document.createElement("div");
      dialog.className = "sim-ab-dialog";
      dialog.setAttribute("role", "dialog");
      dialog.setAttribute("aria-modal", "true");
      dialog.dataset.variant = this.getAttribute("variant") || "base";
      var head = document.createElement("div");
      head.className = "sim-ab-head";
      var title = document.createElement("span");
      title.textContent = titleBar ? titleBar.getAttribute("title") || "" : "";
      var close = document.createElement("button");
      close.type = "button";
      close.setAttribute("aria-label", "Close");
      close.textContent = "\u00d7";
      close.onclick = () => this.hide();
      head.append(title, close);
      var body = document.createElement("div");
      body.className = "sim-ab-body";
      if (!this.content.childNodes.length) {
        // Plain HTML usage (<ui-modal><p>…</p></ui-modal>): show a copy of the children.
        for (var i = 0; i < this.children.length; i++) {
          var c = this.children[i];
          if (c.tagName !== "UI-TITLE-BAR" && c.tagName !== "UI-SAVE-BAR")
            body.appendChild(c.cloneNode(true));
        }
      }
      body.appendChild(this.content);
      dialog.append(head, body);
      if (titleBar) {
        var buttons = buttonsOf(titleBar);
        if (buttons.length) {
          var foot = document.createElement("div");
          foot.className = "sim-ab-foot";
          buttons.forEach(function (b) {
            var copy = document.createElement("button");
            copy.type = "button";
            copy.textContent = (b.textContent || "").trim();
            copy.dataset.variant = b.getAttribute("variant") || "";
            copy.disabled = b.hasAttribute("disabled");
            copy.onclick = function () {
              b.click();
            };
            foot.appendChild(copy);
          });
          dialog.appendChild(foot);
        }
      }
      overlay.appendChild(dialog);
      overlay.addEventListener("click", (e) => {
        if (e.target === overlay) this.hide();
      });
      document.body.appendChild(overlay);
      this._overlay = overlay;
      post("modal", { open: true });
      this.dispatchEvent(new Event("show"));
      return Promise.resolve();
    }
    hide() {
      if (!this._overlay) return Promise.resolve();
      this._overlay.remove();
      this._overlay = null;
      post("modal", { open: false });
      this.dispatchEvent(new Event("hide"));
      return Promise.resolve();
    }
    toggle() {
      return this.open ? this.hide() : this.show();
    }
    disconnectedCallback() {
      this.hide();
    }
  }
  define("ui-modal", UiModal);

  function modalById(id) {
    var el = document.getElementById(id);
    if (!el || typeof el.show !== "function") throw new Error("No ui-modal with id " + id);
    return el;
  }

  function localToast(message, isError, duration) {
    var el = document.createElement("div");
    el.className = "sim-ab-toast";
    if (isError) el.setAttribute("data-error", "");
    el.textContent = message;
    document.body.appendChild(el);
    setTimeout(function () {
      el.remove();
    }, duration);
  }

  var toastIds = 0;
  window.shopify = {
    __simulator: true,
    config: {
      apiKey: apiKey,
      shop: context.shop,
      host: context.host,
      locale: context.locale || "en",
    },
    environment: { embedded: framed, mobile: false, pos: false },
    origin: simOrigin,
    ready: Promise.resolve(),
    idToken: function () {
      return idToken(false);
    },
    toast: {
      show: function (message, opts) {
        opts = opts || {};
        var id = "toast-" + ++toastIds;
        var duration = opts.duration || 5000;
        if (
          !post("toast", {
            message: String(message),
            isError: !!opts.isError,
            duration: duration,
            toastId: id,
          })
        ) {
          localToast(String(message), !!opts.isError, duration);
        }
        return id;
      },
      hide: function (id) {
        post("toastHide", { toastId: id });
      },
    },
    loading: function (isLoading) {
      var on = isLoading === undefined ? true : !!isLoading;
      post("loading", { on: on });
    },
    modal: {
      show: function (id) {
        return modalById(id).show();
      },
      hide: function (id) {
        return modalById(id).hide();
      },
      toggle: function (id) {
        return modalById(id).toggle();
      },
    },
    saveBar: {
      show: function () {
        return Promise.resolve();
      },
      hide: function () {
        return Promise.resolve();
      },
      toggle: function () {
        return Promise.resolve();
      },
      leaveConfirmation: function () {
        return Promise.resolve();
      },
    },
  };

  // --- session-token bounce page (shopify-app-remix new embedded auth strategy) -------------------------
  var reload = params.get("shopify-reload");
  if (reload) {
    var target = new URL(reload, location.href);
    if (target.origin === location.origin) {
      idToken(true).then(
        function (token) {
          target.searchParams.set("id_token", token);
          location.replace(target.href);
        },
        function (error) {
          console.error(error);
        },
      );
    } else {
      console.error(
        "App Bridge stand-in: refusing shopify-reload to another origin: " + target.origin,
      );
    }
  }

  post("ready", { path: appPath(), apiKey: apiKey });
})();
