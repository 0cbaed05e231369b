"""What channels report: inbound messages (one by one and set-based), echoes of the seller's
own sends, delivery outcomes, listing details. Every path is idempotent."""
