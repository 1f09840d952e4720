-- A statement that books what the server worked out refuses, within itself, to book anything
-- else. A batch of transfers sends its COMMIT in the same round trip as its booking
-- (server/src/ledger/transfer_batch.cpp), so a check the server made on the booking's answer
-- would come after the commit; raised inside the booking statement, the error stops the
-- COMMIT from running and the transaction rolls back whole.
CREATE FUNCTION ledger_assert(holds boolean, message text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  IF holds IS NOT TRUE THEN
    RAISE EXCEPTION USING ERRCODE = 'XX000', MESSAGE = message;
  END IF;
  RETURN true;
END $$;
