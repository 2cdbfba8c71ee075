"""geo: news articles to a map of places, actors and claims."""
