//! 同意 (consent): who may see which medical information, until when. OWNER: helper "consent".
