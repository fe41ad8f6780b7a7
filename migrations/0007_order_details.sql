-- Orders on an exchange: the order type, a stop's trigger and limit, the exchange's order id, and every
-- execution with its trade id and commission (JSON), as the PositionActor holds them.
ALTER TABLE orders ADD COLUMN type TEXT NOT NULL DEFAULT 'market'; -- market | stop_loss_limit
ALTER TABLE orders ADD COLUMN stop_price REAL;
ALTER TABLE orders ADD COLUMN limit_price REAL;
ALTER TABLE orders ADD COLUMN exchange_order_id TEXT;
ALTER TABLE orders ADD COLUMN fills_json TEXT;
