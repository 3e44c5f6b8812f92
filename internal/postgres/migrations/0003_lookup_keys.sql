-- Shoppers type order numbers in any case and tracking numbers with the spaces carriers print
-- them with. Lookups compare status.OrderNumberKey / TrackingNumberKey against these
-- expressions (lower() of a COLLATE "C" column lower-cases ASCII only, like the Go key); the
-- exact-value indexes stay for ingest identity and the support search.
DROP INDEX orders_by_number_any;
CREATE INDEX orders_by_number_any ON orders(lower(order_number));
CREATE INDEX orders_by_number_key ON orders(account_id, lower(order_number), client_key);
CREATE INDEX trackings_by_number_key ON trackings(replace(tracking_number, ' ', ''), courier);
