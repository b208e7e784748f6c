/**
 * The script an HTML report runs in the browser: it draws each chart from its JSON spec (document.ts
 * Chart) with uPlot, which the report inlines ahead of it. Kept as text because it runs in a page, not in
 * Node; it uses no template literals, so it can sit in one here. It marks each figure drawn (data-drawn,
 * data-points) so that a test can tell a chart was drawn, with how many points.
 */
export const CHART_RUNTIME = String.raw`
(function () {
  'use strict';
  var COLOURS = ['#2563eb', '#dc2626', '#059669', '#9333ea'];
  var TONES = { ok: '#15803d', info: '#2563eb', warning: '#d97706', critical: '#dc2626' };

  function figure(v) {
    var a = Math.abs(v);
    if (a >= 100 || Number.isInteger(v)) return String(Math.round(v));
    if (a >= 10) return v.toFixed(1);
    if (a >= 1) return v.toFixed(2);
    return String(Number(v.toPrecision(2)));
  }
  function show(unit, v) {
    if (v === null || v === undefined) return '';
    if (unit === 'share') return figure(v * 100) + ' %';
    if (unit === 'percent') return figure(v) + ' %';
    if (unit === 'ms') return figure(v) + ' ms';
    if (unit === 's') return figure(v) + ' s';
    if (unit === 'per-second') return figure(v) + '/s';
    return figure(v);
  }
  // Counts (pool sizes, requests) tick at whole numbers only.
  var WHOLE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];
  function axis(spec, extra) {
    var out = { label: spec.label, values: ticks(spec.unit) };
    if (spec.unit === 'count' && !spec.log) out.incrs = WHOLE;
    for (var key in extra) out[key] = extra[key];
    return out;
  }
  function ticks(unit) {
    return function (u, values) {
      return values.map(function (v) { return show(unit, v); });
    };
  }
  function extent(values) {
    var out = [];
    values.forEach(function (v) { if (v !== null && v !== undefined && isFinite(v)) out.push(v); });
    return out;
  }
  // A scale that also shows the marks and bands that fall on it: the target line is never off the chart.
  function range(axis, extra, zero) {
    return function (u, min, max) {
      var all = extent([min, max].concat(extra));
      var lo = Math.min.apply(null, all);
      var hi = Math.max.apply(null, all);
      if (axis.log) {
        lo = Math.min.apply(null, all.filter(function (v) { return v > 0; }));
        return uPlot.rangeLog(lo, Math.max(hi, lo * 10), 10, true);
      }
      if (zero) lo = Math.min(0, lo);
      if (hi === lo) hi = lo + 1;
      var pad = (hi - lo) * 0.05;
      return [zero ? lo : lo - pad, hi + pad];
    };
  }
  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  }

  function drawBands(spec) {
    return function (u) {
      var ctx = u.ctx;
      var b = u.bbox;
      ctx.save();
      (spec.bands || []).forEach(function (band) {
        var top = u.valToPos(band.to, 'y', true);
        var bottom = u.valToPos(band.from, 'y', true);
        ctx.fillStyle = alpha(TONES[band.tone], 0.12);
        ctx.fillRect(b.left, Math.min(top, bottom), b.width, Math.abs(bottom - top));
        ctx.fillStyle = TONES[band.tone];
        ctx.font = Math.round(11 * uPlot.pxRatio) + 'px sans-serif';
        ctx.textAlign = 'right';
        ctx.fillText(band.label, b.left + b.width - 4 * uPlot.pxRatio, Math.min(top, bottom) + 13 * uPlot.pxRatio);
      });
      ctx.restore();
    };
  }

  function drawMarks(spec) {
    return function (u) {
      var ctx = u.ctx;
      var b = u.bbox;
      var px = uPlot.pxRatio;
      ctx.save();
      ctx.font = Math.round(11 * px) + 'px sans-serif';
      ctx.lineWidth = 1.5 * px;
      ctx.setLineDash([6 * px, 4 * px]);
      (spec.marks || []).forEach(function (mark, i) {
        var colour = TONES[mark.tone || 'info'];
        ctx.strokeStyle = colour;
        ctx.fillStyle = colour;
        ctx.beginPath();
        if (mark.on === 'x') {
          var x = u.valToPos(mark.value, 'x', true);
          if (!(x >= b.left - 1 && x <= b.left + b.width + 1)) return;
          ctx.moveTo(x, b.top);
          ctx.lineTo(x, b.top + b.height);
          ctx.stroke();
          // Right of the line, unless the label would run off the plot; one row per mark, so that close
          // percentiles do not write over each other.
          var fits = x + (ctx.measureText(mark.label).width + 4 * px) <= b.left + b.width;
          ctx.textAlign = fits ? 'left' : 'right';
          ctx.fillText(mark.label, x + (ctx.textAlign === 'left' ? 4 : -4) * px, b.top + (12 + 13 * i) * px);
        } else {
          var y = u.valToPos(mark.value, mark.on, true);
          if (!(y >= b.top - 1 && y <= b.top + b.height + 1)) return;
          ctx.moveTo(b.left, y);
          ctx.lineTo(b.left + b.width, y);
          ctx.stroke();
          ctx.textAlign = 'right';
          ctx.fillText(mark.label, b.left + b.width - 4 * px, y - 4 * px);
        }
      });
      ctx.restore();
    };
  }

  function draw(figureElement) {
    var spec = JSON.parse(figureElement.querySelector('script.chart-spec').textContent);
    var plot = figureElement.querySelector('.plot');
    var marksOn = function (on) {
      return (spec.marks || []).filter(function (m) { return m.on === on; }).map(function (m) { return m.value; });
    };
    var bandEdges = [];
    (spec.bands || []).forEach(function (band) { bandEdges.push(band.from, band.to); });
    var scales = {
      x: { time: false, distr: spec.x.log ? 3 : 1, range: range(spec.x, marksOn('x'), false) },
      y: { distr: spec.y.log ? 3 : 1, range: range(spec.y, marksOn('y').concat(bandEdges), true) },
    };
    var axes = [axis(spec.x, {}), axis(spec.y, { scale: 'y', size: 60 })];
    if (spec.y2) {
      scales.y2 = { distr: spec.y2.log ? 3 : 1, range: range(spec.y2, marksOn('y2'), true) };
      axes.push(axis(spec.y2, { scale: 'y2', side: 1, grid: { show: false }, size: 60 }));
    }
    var series = [{ label: spec.x.label, value: function (u, v) { return show(spec.x.unit, v); } }];
    spec.series.forEach(function (s, i) {
      var colour = COLOURS[i % COLOURS.length];
      var axis = s.axis === 'y2' ? spec.y2 : spec.y;
      var options = {
        label: s.label,
        scale: s.axis === 'y2' ? 'y2' : 'y',
        stroke: colour,
        width: 2,
        spanGaps: false,
        value: function (u, v) { return show(axis.unit, v); },
      };
      if (s.draw === 'bars') {
        options.paths = uPlot.paths.bars({ size: [0.8, 60], gap: 1 });
        options.fill = alpha(colour, 0.35);
        options.points = { show: false };
      } else if (s.draw === 'step') {
        options.paths = uPlot.paths.stepped({ align: 1 });
      }
      series.push(options);
    });
    var data = [spec.x.values].concat(spec.series.map(function (s) { return s.values; }));
    var width = Math.max(320, Math.min(plot.clientWidth || 760, 960));
    new uPlot(
      {
        width: width,
        height: 320,
        scales: scales,
        axes: axes,
        series: series,
        hooks: {
          drawClear: [drawBands(spec)],
          draw: [drawMarks(spec)],
          ready: [
            function (u) {
              var points = 0;
              for (var i = 1; i < u.data.length; i++) points += extent(u.data[i]).length;
              figureElement.setAttribute('data-points', String(points));
              figureElement.setAttribute('data-drawn', 'true');
            },
          ],
        },
      },
      data,
      plot,
    );
  }

  document.querySelectorAll('figure.chart').forEach(function (f) {
    try {
      draw(f);
    } catch (error) {
      console.error('pooltune: a chart could not be drawn: ' + (error && error.message));
    }
  });
})();
`;
