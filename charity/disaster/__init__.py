"""Disaster relief (measure 8, 灾害救助): incidents, the households they hit, relief by
sub-type (emergency relief, condolence for the families of the dead, transition-period living
assistance by month) paid through the fund with four eyes, and the insurance claims the
government's disaster insurance paid."""
