/*
 * Browser side of the simulator's admin shell: a minimal Shopify Admin frame around the embedded app.
 * Answers the App Bridge stand-in (app-bridge.client.js) over postMessage: session tokens, nav menu,
 * title bar, toasts, loading bar, modal backdrop, redirects, and keeps the shell URL in step with
 * the app's path (as Shopify Admin does). Plain browser JavaScript, no build step.
 */
(function () {
  "use strict";
  var SOURCE = "storesync-sim";
  var cfg = JSON.parse(document.getElementById("sim-shell-config").textContent);
  var frame = document.getElementById("app-frame");
  var appOrigin = new URL(cfg.appUrl).origin;
  var navList = document.getElementById("app-nav");
  var appLink = document.getElementById("app-home");
  var titleEl = document.getElementById("title-bar-title");
  var actionsEl = document.getElementById("title-bar-actions");
  var toasts = document.getElementById("toasts");
  var loadingBar = document.getElementById("loading-bar");
  var backdrop = document.getElementById("modal-backdrop");
  var navLinks = [];
  var currentPath = cfg.initialPath;

  function send(msg) {
    frame.contentWindow.postMessage(Object.assign({ source: SOURCE }, msg), appOrigin);
  }

  function sessionToken() {
    return fetch(cfg.sessionTokenUrl, { cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error("session token: HTTP " + r.status);
      return r.json();
    });
  }

  function pathOnly(href) {
    return new URL(href, cfg.appUrl).pathname.replace(/\/+$/, "") || "/";
  }

  function renderNav() {
    navList.textContent = "";
    var home = navLinks.find(function (l) {
      return l.rel === "home";
    });
    var current = pathOnly(currentPath);
    appLink.dataset.href = home ? home.href : "/app";
    appLink.classList.toggle("active", !!home && pathOnly(home.href) === current);
    navLinks.forEach(function (link) {
      if (link.rel === "home") return; // the app's name links home, as in Shopify Admin
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = cfg.shellBase + pathOnly(link.href);
      a.textContent = link.label;
      a.dataset.href = link.href;
      a.className = "sub" + (pathOnly(link.href) === current ? " active" : "");
      a.addEventListener("click", function (e) {
        e.preventDefault();
        send({ type: "navigate", href: link.href });
      });
      li.appendChild(a);
      navList.appendChild(li);
    });
  }
  appLink.addEventListener("click", function (e) {
    e.preventDefault();
    send({ type: "navigate", href: appLink.dataset.href || "/app" });
  });

  function renderTitleBar(title, buttons) {
    titleEl.textContent = title || cfg.appName;
    actionsEl.textContent = "";
    (buttons || []).forEach(function (b, index) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b.label;
      btn.disabled = !!b.disabled;
      if (b.variant === "primary") btn.className = "primary";
      btn.addEventListener("click", function () {
        send({ type: "titleBarAction", index: index });
      });
      actionsEl.appendChild(btn);
    });
  }

  function showToast(message, isError, duration, id) {
    var el = document.createElement("div");
    el.className = "toast" + (isError ? " error" : "");
    el.setAttribute("role", "status");
    el.dataset.toastId = id || "";
    el.textContent = message;
    toasts.appendChild(el);
    setTimeout(function () {
      el.remove();
    }, duration || 5000);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== appOrigin || event.source !== frame.contentWindow) return;
    var msg = event.data;
    if (!msg || msg.source !== SOURCE) return;
    switch (msg.type) {
      case "idToken":
        sessionToken().then(
          function (b) {
            send({ type: "answer", id: msg.id, idToken: b.idToken });
          },
          function (e) {
            send({ type: "answer", id: msg.id, error: String(e && e.message ? e.message : e) });
          },
        );
        break;
      case "ready":
      case "location":
        if (msg.path) {
          currentPath = msg.path;
          history.replaceState(
            null,
            "",
            cfg.shellBase + (msg.path.indexOf("/app") === 0 ? msg.path : ""),
          );
          renderNav();
        }
        break;
      case "navMenu":
        navLinks = msg.links || [];
        renderNav();
        break;
      case "titleBar":
        renderTitleBar(msg.title, msg.buttons);
        break;
      case "toast":
        showToast(msg.message, msg.isError, msg.duration, msg.toastId);
        break;
      case "toastHide":
        toasts.querySelectorAll("[data-toast-id='" + msg.toastId + "']").forEach(function (el) {
          el.remove();
        });
        break;
      case "loading":
        loadingBar.classList.toggle("on", !!msg.on);
        break;
      case "modal":
        // The app dims its own area (the stand-in's overlay); the shell dims its chrome.
        backdrop.classList.toggle("on", !!msg.open);
        document.body.classList.toggle("modal-open", !!msg.open);
        break;
      case "redirect":
        try {
          var target = new URL(msg.url);
          if (target.origin === appOrigin) frame.src = target.href;
          else window.location.assign(target.href);
        } catch (_e) {
          /* ignore malformed URLs */
        }
        break;
    }
  });

  renderTitleBar(cfg.appName, []);
  window.__simShell = {
    navLinks: function () {
      return navLinks.slice();
    },
  };
})();
