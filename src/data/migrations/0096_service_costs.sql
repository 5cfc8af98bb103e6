-- RESP-7, issue 13: each service's weekly cost in force from each date, so that spend for a past month
-- is worked out at the cost of that month, not today's. The first entry is the cost the service was
-- recorded with (days before it are costed at it); a change of cost adds an entry from the day it
-- takes effect (care-services-service.ts). services.weekly_cost_pence stays the current cost.
CREATE TABLE service_costs (
  service_id uuid NOT NULL REFERENCES services (id) ON DELETE CASCADE,
  effective_from date NOT NULL,
  weekly_cost_pence bigint NOT NULL CHECK (weekly_cost_pence >= 0),
  recorded_by uuid REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (service_id, effective_from)
);

-- The services recorded before the history was kept: their cost so far, from their start.
INSERT INTO service_costs (service_id, effective_from, weekly_cost_pence, recorded_by, recorded_at)
SELECT id, start_date, weekly_cost_pence, created_by, created_at FROM services;
