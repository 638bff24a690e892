// Accessibility fix for Dash 4's dcc.Dropdown (served locally like every asset).
//
// The dropdown renders a hidden "focus target" input (aria-hidden, but tabindex 0) that
// forwards keyboard focus to the real trigger button (tabindex -1). Screen readers meet an
// element that is focusable yet hidden (WCAG 4.1.2, axe rule aria-hidden-focus), and the
// button's name leaves out the visible label. This makes the button itself the tab stop,
// takes the hidden input out of the tab order and names the button by its <label> too.
(function () {
  "use strict";

  function fix(root) {
    root.querySelectorAll(".dash-dropdown-wrapper").forEach(function (wrapper) {
      var target = wrapper.querySelector(".dash-dropdown-focus-target");
      var button = wrapper.querySelector("button.dash-dropdown");
      if (target && target.getAttribute("tabindex") !== "-1") {
        target.setAttribute("tabindex", "-1");
      }
      if (button && button.getAttribute("tabindex") !== "0") {
        button.setAttribute("tabindex", "0");
      }
      if (button && button.id) {
        var label = document.getElementById(button.id + "-label");
        var names = (button.getAttribute("aria-labelledby") || "").split(/\s+/);
        if (label && names.indexOf(label.id) === -1) {
          button.setAttribute("aria-labelledby", [label.id].concat(names).join(" ").trim());
        }
      }
    });
  }

  new MutationObserver(function () {
    fix(document);
  }).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["tabindex", "aria-labelledby"],
  });
})();
