-- Tracking numbers are unique per account and courier, not across accounts: one shop must
-- neither learn that another shop's tracking number exists nor be able to claim it first.
-- The non-unique index keeps the name the lookups and the support search are planned on.
DROP INDEX trackings_by_number;
CREATE UNIQUE INDEX trackings_by_account_number ON trackings(account_id, courier, tracking_number);
CREATE INDEX trackings_by_number ON trackings(tracking_number, courier);
-- The shopper search finds an order number in every account with one lookup.
CREATE INDEX orders_by_number_any ON orders(order_number);
