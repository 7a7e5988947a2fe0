DROP TABLE messaging_cap_alerts;
DROP TABLE message_sends;
