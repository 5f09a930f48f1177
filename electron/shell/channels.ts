/**
 * The IPC channels between the window and the main process. The preload repeats these two strings (it may import
 * nothing at run time); test/shell checks that the two copies agree.
 */
export const API_CHANNEL = 'tigerid:api';
export const PICK_FOLDER_CHANNEL = 'tigerid:pick-folder';
export const IPC_CHANNELS = [API_CHANNEL, PICK_FOLDER_CHANNEL] as const;
