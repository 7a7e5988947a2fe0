ALTER TABLE enrollment_tickets DROP COLUMN second_factor;
ALTER TABLE orgs DROP COLUMN allowed_methods;
