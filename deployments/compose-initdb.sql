-- compose.yaml: one database for Prefect and one for pliktvakt.
CREATE DATABASE prefect;
CREATE DATABASE pliktvakt;
