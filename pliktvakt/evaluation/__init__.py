"""The rolling evaluation plan for the grant schemes (instruks vedlegg 1 pkt. 9)."""
