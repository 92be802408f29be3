"""The national grants register (vedlegg 1 pkt. 1): schemes and awards aimed at voluntary
organisations registered continuously, by API or by the register's Excel upload, and checked
each week against what the register publishes."""
