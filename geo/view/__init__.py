"""What the page and the exports show: the URL contract (url), the folium map and escaped HTML (render),
the offline country basemap (basemap) and the Leaflet files served with no network (static)."""
