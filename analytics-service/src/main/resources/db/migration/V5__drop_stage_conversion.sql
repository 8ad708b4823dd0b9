-- A profile's stage-to-stage conversions follow from its first stage entries: the funnel reads them by joining
-- stage_entry with itself on its primary key (the later stage's entry of the same profile), for the partial days at
-- the ends of a range and for breakdowns. Keeping them as rows of their own cost every journey batch an upsert of all
-- the pairs of stages its profiles entered, about a fifth of that batch's database time.
DROP TABLE stage_conversion;

