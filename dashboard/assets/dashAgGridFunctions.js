// Functions the grids name in their column definitions (dash-ag-grid looks them up here).
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

// Orders German numbers ("1.234", "12,5 %") by value; "–" is zero, "." and "x" come first.
dagfuncs.deutscheZahl = function (a, b) {
  const value = (text) => {
    const t = String(text).trim();
    if (t === "–") return 0;
    const n = parseFloat(t.replace(/\./g, "").replace(",", ".").replace(/[^0-9.\-]/g, ""));
    return Number.isNaN(n) ? null : n;
  };
  const x = value(a);
  const y = value(b);
  if (x === null || y === null) return (x === null ? 0 : 1) - (y === null ? 0 : 1);
  return x - y;
};
