-- The place a person typed for their time zone ("Montréal", "Sherbrooke"), shown in times
-- ("17 h, heure de Montréal") instead of the zone's own city ("Toronto" for America/Toronto).
-- Empty when they typed a zone name, an offset or an abbreviation, or picked their
-- platform's zone; reset whenever the zone changes without a place.

ALTER TABLE people ADD COLUMN timezone_place TEXT NOT NULL DEFAULT '';
