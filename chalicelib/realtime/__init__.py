"""The WebSocket API: who is connected (connections), how messages leave (sender), what a message
does (commands), signalling between the two participants of a call only (relay), and size caps (limits)."""
