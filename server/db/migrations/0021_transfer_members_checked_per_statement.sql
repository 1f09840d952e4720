-- A transfer's two members are checked once per statement instead of once per transfer by
-- two foreign keys, as 0018 did for the entries' wallets. Each key's trigger ran its own
-- lookup in members per transfer, and that lookup locked the member's row (FOR KEY SHARE: a
-- lock written into the row itself, and to the WAL), after the batch had already locked the
-- same members' wallets. One statement over the statement's new transfers now refuses any
-- that names a member who does not exist (SQLSTATE 23503, as the keys did).
--
-- What the keys' locks also kept from happening, a member deleted while a transfer naming
-- them commits or afterwards, cannot happen anyway: every member has a wallet from the
-- transaction that made them, the wallet's own key to members refuses deleting its member,
-- and wallets are never deleted (0018).

CREATE FUNCTION check_transfers_members() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing uuid;
BEGIN
  SELECT named.member_id INTO missing
    FROM (SELECT from_member_id AS member_id FROM new_transfers
          UNION SELECT to_member_id FROM new_transfers) named
   WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.id = named.member_id)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'transfers name member %, who does not exist', missing
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER transfers_members_exist
  AFTER INSERT ON transfers
  REFERENCING NEW TABLE AS new_transfers
  FOR EACH STATEMENT EXECUTE FUNCTION check_transfers_members();

ALTER TABLE transfers DROP CONSTRAINT transfers_from_member_id_fkey;
ALTER TABLE transfers DROP CONSTRAINT transfers_to_member_id_fkey;
