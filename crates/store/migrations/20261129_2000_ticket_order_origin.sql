-- Orders made from a ticket (a replacement) are linked to it too, but the ticket stays about
-- the order the customer wrote about: its headline order is a mentioned one when there is one.
ALTER TABLE ticket_orders ADD COLUMN made_from_ticket INTEGER NOT NULL DEFAULT 0
    CHECK (made_from_ticket IN (0, 1));
