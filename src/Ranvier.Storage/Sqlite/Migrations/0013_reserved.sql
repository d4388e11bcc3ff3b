-- Reserved for the presence branch (migration 0013), so that 0014 applies on this branch alone.
-- This placeholder is dropped when that branch is merged.
SELECT 1;
