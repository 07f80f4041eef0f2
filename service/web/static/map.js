/* Draws a page's CRS84 WKT geometries with Leaflet on a blank map: no tile server is needed, so the
   page works offline. A background map is only fetched when the reader asks for it. */
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || !window.L) { return; }

  function numbers(text) {
    return text.trim().split(/\s*,\s*/).map(function (pair) {
      var xy = pair.trim().split(/\s+/).map(Number);
      return [xy[1], xy[0]]; // WKT is lon lat; Leaflet wants lat lon
    });
  }
  function rings(text) { // "(x y, …), (x y, …)" → [[latlng…], …]
    var out = [], depth = 0, start = 0;
    for (var i = 0; i < text.length; i++) {
      if (text[i] === "(") { if (depth === 0) { start = i + 1; } depth++; }
      else if (text[i] === ")") { depth--; if (depth === 0) { out.push(text.slice(start, i)); } }
    }
    return out;
  }
  function layer(wkt) {
    var match = /^\s*(\w+)\s*(?:Z|M|ZM)?\s*\((.*)\)\s*$/i.exec(wkt);
    if (!match) { return null; }
    var kind = match[1].toUpperCase(), body = match[2];
    var style = { color: "#0b5394", weight: 2, fillOpacity: 0.2 };
    if (kind === "POINT") { return L.circleMarker(numbers(body)[0], { radius: 8, color: "#0b5394", fillOpacity: 0.6 }); }
    if (kind === "MULTIPOINT") {
      return L.featureGroup(numbers(body.replace(/[()]/g, "")).map(function (p) { return L.circleMarker(p, { radius: 6 }); }));
    }
    if (kind === "LINESTRING") { return L.polyline(numbers(body), style); }
    if (kind === "MULTILINESTRING") { return L.polyline(rings(body).map(numbers), style); }
    if (kind === "POLYGON") { return L.polygon(rings(body).map(numbers), style); }
    if (kind === "MULTIPOLYGON") { return L.polygon(rings(body).map(function (p) { return rings(p).map(numbers); }), style); }
    return null;
  }

  var map = L.map(element, { attributionControl: true, zoomSnap: 0.5 });
  var shapes = JSON.parse(element.getAttribute("data-wkt") || "[]").map(layer).filter(Boolean);
  var group = L.featureGroup(shapes).addTo(map);
  var bounds = group.getBounds();
  if (bounds.isValid()) {
    if (bounds.getNorthEast().equals(bounds.getSouthWest())) { map.setView(bounds.getCenter(), 17); }
    else { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 18 }); }
  } else {
    map.setView([53.2194, 6.5665], 12);
  }
  L.control.scale({ imperial: false }).addTo(map);
  element.setAttribute("data-drawn", String(shapes.length));

  var button = document.getElementById("map-tiles");
  if (button) {
    button.addEventListener("click", function () {
      L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
        maxZoom: 19, attribution: "&copy; OpenStreetMap"
      }).addTo(map);
      button.disabled = true;
    });
  }
}());
