// Words of the thread's message kinds beyond text (merged into the dictionaries by ../i18n.ts).

export const threadRu = {
  th_system: "Сообщение Avito",
  th_deleted: "Сообщение удалено",
  th_call: "Звонок",
  th_call_missed: "Пропущенный звонок",
  th_call_answered: "Звонок",
  th_location: "Место на карте",
  th_listing: "Объявление",
  th_link: "Ссылка",
  th_unsupported_file: "Покупатель прислал файл",
  th_unsupported_video: "Покупатель прислал видео",
  th_unsupported_appCall: "Звонок в приложении Avito",
  th_unsupportedHint: "Avito не передаёт его через API: откройте чат в Avito.",
} as const;

export const threadEn: Record<keyof typeof threadRu, string> = {
  th_system: "Message from Avito",
  th_deleted: "Message deleted",
  th_call: "Call",
  th_call_missed: "Missed call",
  th_call_answered: "Call",
  th_location: "A place on the map",
  th_listing: "Listing",
  th_link: "Link",
  th_unsupported_file: "The buyer sent a file",
  th_unsupported_video: "The buyer sent a video",
  th_unsupported_appCall: "A call in the Avito app",
  th_unsupportedHint: "Avito does not pass it through its API: open the chat on Avito.",
};
