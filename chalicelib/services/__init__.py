"""An expert's services: what they offer, with a direct checkout link each (as Otechie has them)."""
