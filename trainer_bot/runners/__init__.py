"""Ways to serve a built Application: long polling, or a webhook server."""
