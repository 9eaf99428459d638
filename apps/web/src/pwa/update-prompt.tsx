import './update-prompt.css';

/**
 * "A new version is ready": shown while a new service worker waits. The page keeps running the version it loaded
 * until the user reloads, so nothing mixes old and new chunks; dismissing only hides the notice (the new version
 * starts the next time every Life OS tab is closed).
 */
export function UpdatePrompt({
  open,
  reloading = false,
  onReload,
  onDismiss,
}: {
  open: boolean;
  reloading?: boolean;
  onReload: () => void;
  onDismiss: () => void;
}) {
  // The live region stays mounted, so a screen reader announces the message when it appears.
  return (
    <div className="update-prompt-region" role="status" aria-live="polite">
      {open && (
        <div className="update-prompt">
          <p className="update-prompt-message">A new version of Life OS is ready.</p>
          <div className="update-prompt-actions">
            <button type="button" className="button button-primary" onClick={onReload} disabled={reloading}>
              {reloading ? 'Reloading…' : 'Reload'}
            </button>
            <button type="button" className="button" onClick={onDismiss}>
              Dismiss
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
