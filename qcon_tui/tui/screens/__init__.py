"""The browser's screens: the browser itself, and what is pushed over it (help, topics, the
note dialog, the confirm dialog). Each screen's CSS is in a `.tcss` file beside it."""
