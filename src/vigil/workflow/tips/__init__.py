"""Anonymous tips: the form's parser, the rate limiter, and the tip service."""
