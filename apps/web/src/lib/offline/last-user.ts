/**
 * The id of the last user whose data this device keeps (localStorage: an id, not a secret). Its own tiny module: the
 * app's entry asks it before deciding whether to load the code that restores the copy.
 */
const LAST_USER_KEY = 'lifeos-offline-user';

export function lastUserId(): string | null {
  try {
    return localStorage.getItem(LAST_USER_KEY);
  } catch {
    return null;
  }
}

export function setLastUserId(userId: string | null): void {
  try {
    if (userId === null) localStorage.removeItem(LAST_USER_KEY);
    else localStorage.setItem(LAST_USER_KEY, userId);
  } catch {
    // Private mode without storage: the copy is still saved, just not found at the next start.
  }
}

export const hasOfflineCopy = () => lastUserId() !== null && typeof indexedDB !== 'undefined';
