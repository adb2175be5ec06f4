-- Who offers which kind of help in which region: one row per (region, kind, volunteer), derived
-- from volunteer_regions × volunteer_categories by the triggers below, never written by hand.
--
-- A new request is announced to the volunteers of its region who do its kind of help. Read from
-- the region's volunteers, that checked every one of them for the kind (3,000 in a large region:
-- about 1 ms per request, inside the write transaction that posts it); read from this table it
-- is one range of exactly the volunteers to tell, already in id order.
CREATE TABLE volunteer_offers (
    region_id INTEGER NOT NULL,
    category  TEXT NOT NULL,
    user_id   INTEGER NOT NULL,
    PRIMARY KEY (region_id, category, user_id)
) WITHOUT ROWID;
-- A volunteer's rows, for the triggers that remove them.
CREATE INDEX volunteer_offers_by_user ON volunteer_offers (user_id);

INSERT INTO volunteer_offers (region_id, category, user_id)
    SELECT vr.region_id, vc.category, vr.user_id
    FROM volunteer_regions vr JOIN volunteer_categories vc ON vc.user_id = vr.user_id;

CREATE TRIGGER volunteer_offers_region_added AFTER INSERT ON volunteer_regions BEGIN
    INSERT OR IGNORE INTO volunteer_offers (region_id, category, user_id)
        SELECT NEW.region_id, category, NEW.user_id FROM volunteer_categories
        WHERE user_id = NEW.user_id;
END;

CREATE TRIGGER volunteer_offers_region_removed AFTER DELETE ON volunteer_regions BEGIN
    DELETE FROM volunteer_offers WHERE user_id = OLD.user_id AND region_id = OLD.region_id;
END;

CREATE TRIGGER volunteer_offers_region_changed AFTER UPDATE ON volunteer_regions BEGIN
    DELETE FROM volunteer_offers WHERE user_id = OLD.user_id AND region_id = OLD.region_id;
    INSERT OR IGNORE INTO volunteer_offers (region_id, category, user_id)
        SELECT NEW.region_id, category, NEW.user_id FROM volunteer_categories
        WHERE user_id = NEW.user_id;
END;

CREATE TRIGGER volunteer_offers_category_added AFTER INSERT ON volunteer_categories BEGIN
    INSERT OR IGNORE INTO volunteer_offers (region_id, category, user_id)
        SELECT region_id, NEW.category, NEW.user_id FROM volunteer_regions
        WHERE user_id = NEW.user_id;
END;

CREATE TRIGGER volunteer_offers_category_removed AFTER DELETE ON volunteer_categories BEGIN
    DELETE FROM volunteer_offers WHERE user_id = OLD.user_id AND category = OLD.category;
END;

CREATE TRIGGER volunteer_offers_category_changed AFTER UPDATE ON volunteer_categories BEGIN
    DELETE FROM volunteer_offers WHERE user_id = OLD.user_id AND category = OLD.category;
    INSERT OR IGNORE INTO volunteer_offers (region_id, category, user_id)
        SELECT region_id, NEW.category, NEW.user_id FROM volunteer_regions
        WHERE user_id = NEW.user_id;
END;
