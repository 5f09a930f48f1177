-- Tiger-likeness now measures a stripe's depth against the brightness around it, not against the whole crop's
-- range (matching/tiger-likeness.ts), so values stored under 0009 are on another scale than TIGER_LIKE_THRESHOLD.
-- They are forgotten rather than compared: unmeasured (NULL) flags nothing, and analysing the frame again measures it.
UPDATE detections SET tiger_likeness = NULL;
