ALTER TABLE enrollment_tickets DROP COLUMN methods;
