"""What the page and the exports show: the URL contract (url), the folium map (map), the place panel's
escaped HTML (panel), colours, sizes and label rules (style), the offline country basemap (basemap) and
the Leaflet files served with no network (static)."""
