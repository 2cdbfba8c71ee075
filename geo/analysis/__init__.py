"""Text to typed values: passages, recognised mentions, resolved places, actors and claims; pipeline wires them."""
