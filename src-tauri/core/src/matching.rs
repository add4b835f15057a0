//! Disaster-mode matching (災害時モード). OWNER: helper "matching".
