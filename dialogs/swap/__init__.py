"""«🔄 Заменить»: swapping one exercise of the planned workout."""
