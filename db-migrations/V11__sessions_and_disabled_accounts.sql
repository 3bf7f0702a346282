-- Sessions that a server can end: a form-login session also carries the account's session epoch
-- (in a MAC'd cookie); logging out, a password or role change and disabling the account raise it,
-- and every session made before stops working on its next request.
ALTER TABLE app_user
    ADD COLUMN session_epoch int     NOT NULL DEFAULT 0,
    ADD COLUMN disabled      boolean NOT NULL DEFAULT false;
