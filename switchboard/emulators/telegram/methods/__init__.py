"""The Bot API methods, one module per area; each exports METHODS (lower-case name -> handler)."""
