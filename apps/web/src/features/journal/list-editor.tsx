import {
  type ArrayPath,
  type Control,
  type FieldValues,
  type Path,
  type UseFormRegister,
  useFieldArray,
} from 'react-hook-form';

interface ListEditorProps<T extends FieldValues> {
  legend: string;
  /** The form's array of `{ value }` items. */
  name: ArrayPath<T>;
  control: Control<T>;
  register: UseFormRegister<T>;
  /** One name for an item, for button and field labels ("win", "lesson"). */
  itemLabel: string;
  max: number;
  errors?: ({ value?: { message?: string } } | undefined)[] | { message?: string } | undefined;
}

/**
 * An editable list of short texts: add, change, remove. Enter in an item adds the next one, so a list can be
 * typed without the mouse.
 */
export function ListEditor<T extends FieldValues>({
  legend,
  name,
  control,
  register,
  itemLabel,
  max,
  errors,
}: ListEditorProps<T>) {
  const { fields, append, remove } = useFieldArray({ control, name });
  const itemErrors = Array.isArray(errors) ? errors : [];
  const listError = !Array.isArray(errors) ? errors?.message : undefined;
  const add = () => append({ value: '' } as never, { shouldFocus: true });
  return (
    <fieldset className="list-editor">
      <legend>{legend}</legend>
      {fields.map((field, index) => (
        <div key={field.id}>
          <div className="list-editor-row">
            <input
              type="text"
              aria-label={`${legend}: ${itemLabel} ${index + 1}`}
              aria-invalid={Boolean(itemErrors[index]?.value?.message)}
              {...register(`${name}.${index}.value` as Path<T>)}
              onKeyDown={(event) => {
                if (event.key === 'Enter') {
                  event.preventDefault();
                  if (fields.length < max) add();
                }
              }}
            />
            <button
              type="button"
              className="button button-small"
              onClick={() => remove(index)}
              aria-label={`Remove ${itemLabel} ${index + 1}`}
            >
              <span aria-hidden="true">✕</span>
            </button>
          </div>
          {itemErrors[index]?.value?.message ? (
            <p className="field-error">{itemErrors[index]?.value?.message}</p>
          ) : null}
        </div>
      ))}
      {listError ? <p className="field-error">{listError}</p> : null}
      <div>
        <button type="button" className="button button-small" onClick={add} disabled={fields.length >= max}>
          Add {itemLabel}
        </button>
      </div>
    </fieldset>
  );
}

/** Form lists hold `{ value }` objects (what useFieldArray needs); entries hold plain strings. */
export const toItems = (list: readonly string[]) => list.map((value) => ({ value }));
export const fromItems = (items: readonly { value: string }[]) =>
  items.map((item) => item.value.trim()).filter((value) => value !== '');
