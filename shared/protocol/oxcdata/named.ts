/**
 * [MS-OXCDATA] 2.6.1 PropertyName and canonical PidLid/PidName names of
 * common named properties ([MS-OXPROPS]: property set + LID or name).
 */
import {
  type Codec,
  type StructValue,
  DecodeError,
  custom,
  enumOf,
  field,
  guid,
  hex,
  struct,
  u32,
  u8,
  utf16Decode,
  utf16Encode,
} from '../../codec/index.js';

/** Well-known property sets ([MS-OXPROPS] 1.3.2), lower-case GUIDs. */
export const PropertySet = {
  PS_MAPI: '00020328-0000-0000-c000-000000000046',
  PS_PUBLIC_STRINGS: '00020329-0000-0000-c000-000000000046',
  PS_INTERNET_HEADERS: '00020386-0000-0000-c000-000000000046',
  PSETID_Appointment: '00062002-0000-0000-c000-000000000046',
  PSETID_Task: '00062003-0000-0000-c000-000000000046',
  PSETID_Address: '00062004-0000-0000-c000-000000000046',
  PSETID_Common: '00062008-0000-0000-c000-000000000046',
  PSETID_Log: '0006200a-0000-0000-c000-000000000046',
  PSETID_Note: '0006200e-0000-0000-c000-000000000046',
  PSETID_Sharing: '00062040-0000-0000-c000-000000000046',
  PSETID_PostRss: '00062041-0000-0000-c000-000000000046',
  PSETID_Meeting: '6ed8da90-450b-101b-98da-00aa003f1305',
  PSETID_Messaging: '41f28f13-83f4-4114-a584-eedb5a6b0bff',
  PSETID_UnifiedMessaging: '4442858e-a9e3-4e80-b900-317a210cc15b',
  PSETID_AirSync: '71035549-0739-4dcb-9163-00f0580dbbdf',
  PSETID_CalendarAssistant: '11000e07-b51b-40d6-af21-caa85edab1d0',
  PSETID_Attachment: '96357f7f-59e1-47d0-99a7-46515c183b54',
  PSETID_XmlExtractedEntities: '23239608-685d-4732-9c55-4c95cb4e8e33',
  PSETID_Report: '00062013-0000-0000-c000-000000000046',
  PSETID_Remote: '00062014-0000-0000-c000-000000000046',
} as const;
const SET_NAMES = new Map<string, string>(Object.entries(PropertySet).map(([k, v]) => [v, k]));

/** Name of a property set GUID. */
export function propertySetName(g: string): string | undefined {
  return SET_NAMES.get(g.toLowerCase());
}

const LIDS: Record<string, string> = {
  PSETID_Appointment: `
8201 PidLidAppointmentSequence
8202 PidLidAppointmentSequenceTime
8203 PidLidAppointmentLastSequence
8204 PidLidChangeHighlight
8205 PidLidBusyStatus
8206 PidLidFExceptionalBody
8207 PidLidAppointmentAuxiliaryFlags
8208 PidLidLocation
8209 PidLidMeetingWorkspaceUrl
820A PidLidForwardInstance
820C PidLidLinkedTaskItems
820D PidLidAppointmentStartWhole
820E PidLidAppointmentEndWhole
820F PidLidAppointmentStartTime
8210 PidLidAppointmentEndTime
8211 PidLidAppointmentEndDate
8212 PidLidAppointmentStartDate
8213 PidLidAppointmentDuration
8214 PidLidAppointmentColor
8215 PidLidAppointmentSubType
8216 PidLidAppointmentRecur
8217 PidLidAppointmentStateFlags
8218 PidLidResponseStatus
8220 PidLidAppointmentReplyTime
8223 PidLidRecurring
8224 PidLidIntendedBusyStatus
8226 PidLidAppointmentUpdateTime
8228 PidLidExceptionReplaceTime
8229 PidLidFInvited
822B PidLidFExceptionalAttendees
822E PidLidOwnerName
822F PidLidFOthersAppointment
8230 PidLidAppointmentReplyName
8231 PidLidRecurrenceType
8232 PidLidRecurrencePattern
8233 PidLidTimeZoneStruct
8234 PidLidTimeZoneDescription
8235 PidLidClipStart
8236 PidLidClipEnd
8237 PidLidOriginalStoreEntryId
8238 PidLidAllAttendeesString
823A PidLidAutoFillLocation
823B PidLidToAttendeesString
823C PidLidCcAttendeesString
8240 PidLidConferencingCheck
8241 PidLidConferencingType
8242 PidLidDirectory
8243 PidLidOrganizerAlias
8244 PidLidAutoStartCheck
8246 PidLidAllowExternalCheck
8247 PidLidCollaborateDoc
8248 PidLidNetShowUrl
8249 PidLidOnlinePassword
8250 PidLidAppointmentProposedStartWhole
8251 PidLidAppointmentProposedEndWhole
8256 PidLidAppointmentProposedDuration
8257 PidLidAppointmentCounterProposal
8259 PidLidAppointmentProposalNumber
825A PidLidAppointmentNotAllowPropose
825D PidLidAppointmentUnsendableRecipients
825E PidLidAppointmentTimeZoneDefinitionStartDisplay
825F PidLidAppointmentTimeZoneDefinitionEndDisplay
8260 PidLidAppointmentTimeZoneDefinitionRecur
8261 PidLidForwardNotificationRecipients
827A PidLidInboundICalStream
827B PidLidSingleBodyICal
`,
  PSETID_Task: `
8101 PidLidTaskStatus
8102 PidLidPercentComplete
8103 PidLidTeamTask
8104 PidLidTaskStartDate
8105 PidLidTaskDueDate
8107 PidLidTaskResetReminder
8108 PidLidTaskAccepted
8109 PidLidTaskDeadOccurrence
810F PidLidTaskDateCompleted
8110 PidLidTaskActualEffort
8111 PidLidTaskEstimatedEffort
8112 PidLidTaskVersion
8113 PidLidTaskState
8115 PidLidTaskLastUpdate
8116 PidLidTaskRecurrence
8117 PidLidTaskAssigners
8119 PidLidTaskStatusOnComplete
811A PidLidTaskHistory
811B PidLidTaskUpdates
811C PidLidTaskComplete
811E PidLidTaskFCreator
811F PidLidTaskOwner
8120 PidLidTaskMultipleRecipients
8121 PidLidTaskAssigner
8122 PidLidTaskLastUser
8123 PidLidTaskOrdinal
8124 PidLidTaskNoCompute
8125 PidLidTaskLastDelegate
8126 PidLidTaskFRecurring
8127 PidLidTaskRole
8129 PidLidTaskOwnership
812A PidLidTaskAcceptanceState
812C PidLidTaskFFixOffline
8139 PidLidTaskCustomFlags
`,
  PSETID_Address: `
8005 PidLidFileUnder
8006 PidLidFileUnderId
8007 PidLidContactItemData
8010 PidLidDepartment
8015 PidLidHasPicture
801A PidLidHomeAddress
801B PidLidWorkAddress
801C PidLidOtherAddress
8022 PidLidPostalAddressId
8023 PidLidContactCharacterSet
8025 PidLidAutoLog
8026 PidLidFileUnderList
8028 PidLidAddressBookProviderEmailList
8029 PidLidAddressBookProviderArrayType
802B PidLidHtml
802C PidLidYomiFirstName
802D PidLidYomiLastName
802E PidLidYomiCompanyName
8040 PidLidBusinessCardDisplayDefinition
8041 PidLidBusinessCardCardPicture
8045 PidLidWorkAddressStreet
8046 PidLidWorkAddressCity
8047 PidLidWorkAddressState
8048 PidLidWorkAddressPostalCode
8049 PidLidWorkAddressCountry
804A PidLidWorkAddressPostOfficeBox
804C PidLidDistributionListChecksum
804D PidLidBirthdayEventEntryId
804E PidLidAnniversaryEventEntryId
804F PidLidContactUserField1
8050 PidLidContactUserField2
8051 PidLidContactUserField3
8052 PidLidContactUserField4
8053 PidLidDistributionListName
8054 PidLidDistributionListOneOffMembers
8055 PidLidDistributionListMembers
8062 PidLidInstantMessagingAddress
8064 PidLidDistributionListStream
8080 PidLidEmail1DisplayName
8082 PidLidEmail1AddressType
8083 PidLidEmail1EmailAddress
8084 PidLidEmail1OriginalDisplayName
8085 PidLidEmail1OriginalEntryId
8090 PidLidEmail2DisplayName
8092 PidLidEmail2AddressType
8093 PidLidEmail2EmailAddress
8094 PidLidEmail2OriginalDisplayName
8095 PidLidEmail2OriginalEntryId
80A0 PidLidEmail3DisplayName
80A2 PidLidEmail3AddressType
80A3 PidLidEmail3EmailAddress
80A4 PidLidEmail3OriginalDisplayName
80A5 PidLidEmail3OriginalEntryId
80B2 PidLidFax1AddressType
80B3 PidLidFax1EmailAddress
80B4 PidLidFax1OriginalDisplayName
80B5 PidLidFax1OriginalEntryId
80C2 PidLidFax2AddressType
80C3 PidLidFax2EmailAddress
80C4 PidLidFax2OriginalDisplayName
80C5 PidLidFax2OriginalEntryId
80D2 PidLidFax3AddressType
80D3 PidLidFax3EmailAddress
80D4 PidLidFax3OriginalDisplayName
80D5 PidLidFax3OriginalEntryId
80D8 PidLidFreeBusyLocation
80DA PidLidHomeAddressCountryCode
80DB PidLidWorkAddressCountryCode
80DC PidLidOtherAddressCountryCode
80DD PidLidAddressCountryCode
80DE PidLidBirthdayLocal
80DF PidLidWeddingAnniversaryLocal
80E0 PidLidIsContactLinked
80E2 PidLidContactLinkedGlobalAddressListEntryId
80E3 PidLidContactLinkSMTPAddressCache
80E5 PidLidContactLinkLinkRejectHistory
80E6 PidLidContactLinkGlobalAddressListLinkState
80E8 PidLidContactLinkGlobalAddressListLinkId
`,
  PSETID_Common: `
8045 PidLidPromptSendUpdate
8501 PidLidReminderDelta
8502 PidLidReminderTime
8503 PidLidReminderSet
8504 PidLidReminderTimeTime
8505 PidLidReminderTimeDate
8506 PidLidPrivate
850E PidLidAgingDontAgeMe
8510 PidLidSideEffects
8511 PidLidRemoteStatus
8514 PidLidSmartNoAttach
8516 PidLidCommonStart
8517 PidLidCommonEnd
8518 PidLidTaskMode
8519 PidLidTaskGlobalId
851A PidLidAutoProcessState
851C PidLidReminderOverride
851D PidLidReminderType
851E PidLidReminderPlaySound
851F PidLidReminderFileParameter
8520 PidLidVerbStream
8524 PidLidVerbResponse
8530 PidLidFlagRequest
8535 PidLidBilling
8536 PidLidNonSendableTo
8537 PidLidNonSendableCc
8538 PidLidNonSendableBcc
8539 PidLidCompanies
853A PidLidContacts
8543 PidLidNonSendToTrackStatus
8544 PidLidNonSendCcTrackStatus
8545 PidLidNonSendBccTrackStatus
8552 PidLidCurrentVersion
8554 PidLidCurrentVersionName
8560 PidLidReminderSignalTime
8580 PidLidInternetAccountName
8581 PidLidInternetAccountStamp
8582 PidLidUseTnef
8584 PidLidContactLinkSearchKey
8585 PidLidContactLinkEntry
8586 PidLidContactLinkName
859C PidLidSpamOriginalFolder
85A0 PidLidToDoOrdinalDate
85A1 PidLidToDoSubOrdinal
85A4 PidLidToDoTitle
85B1 PidLidInfoPathFormName
85B5 PidLidClassified
85B6 PidLidClassification
85B7 PidLidClassificationDescription
85B8 PidLidClassificationGuid
85BA PidLidClassificationKeep
85BD PidLidReferenceEntryId
85BF PidLidValidFlagStringProof
85C0 PidLidFlagString
85C6 PidLidConversationActionMoveFolderEid
85C7 PidLidConversationActionMoveStoreEid
85C8 PidLidConversationActionMaxDeliveryTime
85C9 PidLidConversationProcessed
85CA PidLidConversationActionLastAppliedTime
85CB PidLidConversationActionVersion
85CC PidLidServerProcessed
85CD PidLidServerProcessingActions
85E0 PidLidPendingStateForSiteMailboxDocument
`,
  PSETID_Log: `
8700 PidLidLogType
8706 PidLidLogStart
8707 PidLidLogDuration
8708 PidLidLogEnd
870C PidLidLogFlags
870E PidLidLogDocumentPrinted
870F PidLidLogDocumentSaved
8710 PidLidLogDocumentRouted
8711 PidLidLogDocumentPosted
8712 PidLidLogTypeDesc
`,
  PSETID_Note: `
8B00 PidLidNoteColor
8B02 PidLidNoteWidth
8B03 PidLidNoteHeight
8B04 PidLidNoteX
8B05 PidLidNoteY
`,
  PSETID_Meeting: `
0001 PidLidAttendeeCriticalChange
0002 PidLidWhere
0003 PidLidGlobalObjectId
0004 PidLidIsSilent
0005 PidLidIsRecurring
0006 PidLidRequiredAttendees
0007 PidLidOptionalAttendees
0008 PidLidResourceAttendees
0009 PidLidDelegateMail
000A PidLidIsException
000C PidLidTimeZone
000D PidLidStartRecurrenceDate
000E PidLidStartRecurrenceTime
000F PidLidEndRecurrenceDate
0010 PidLidEndRecurrenceTime
0011 PidLidDayInterval
0012 PidLidWeekInterval
0013 PidLidMonthInterval
0014 PidLidYearInterval
0015 PidLidClientIntent
0017 PidLidMonthOfYearMask
0018 PidLidOldRecurrenceType
001A PidLidOwnerCriticalChange
001C PidLidCalendarType
0023 PidLidCleanGlobalObjectId
0024 PidLidAppointmentMessageClass
0026 PidLidMeetingType
0028 PidLidOldLocation
0029 PidLidOldWhenStartWhole
002A PidLidOldWhenEndWhole
1000 PidLidDayOfMonth
1001 PidLidICalendarDayOfWeekMask
1005 PidLidOccurrences
1006 PidLidMonthOfYear
100B PidLidNoEndDateFlag
100D PidLidRecurrenceDuration
`,
  PSETID_PostRss: `
8900 PidLidPostRssChannelLink
8901 PidLidPostRssItemLink
8902 PidLidPostRssItemHash
8903 PidLidPostRssItemGuid
8904 PidLidPostRssChannel
8905 PidLidPostRssItemXml
8906 PidLidPostRssSubscription
`,
  PSETID_Sharing: `
8A00 PidLidSharingStatus
8A01 PidLidSharingProviderGuid
8A02 PidLidSharingProviderName
8A03 PidLidSharingProviderUrl
8A04 PidLidSharingRemotePath
8A05 PidLidSharingRemoteName
8A06 PidLidSharingRemoteUid
8A07 PidLidSharingInitiatorName
8A08 PidLidSharingInitiatorSmtp
8A09 PidLidSharingInitiatorEntryId
8A0A PidLidSharingFlags
8A0B PidLidSharingProviderExtension
8A0C PidLidSharingRemoteUser
8A0D PidLidSharingRemotePass
8A0E PidLidSharingLocalPath
8A0F PidLidSharingLocalName
8A10 PidLidSharingLocalUid
8A13 PidLidSharingFilter
8A14 PidLidSharingLocalType
8A15 PidLidSharingFolderEntryId
8A17 PidLidSharingCapabilities
8A18 PidLidSharingFlavor
8A19 PidLidSharingAnonymity
8A1A PidLidSharingReciprocation
8A1B PidLidSharingPermissions
8A1C PidLidSharingInstanceGuid
8A1D PidLidSharingRemoteType
8A1E PidLidSharingParticipants
8A1F PidLidSharingLastSyncTime
8A21 PidLidSharingExtensionXml
8A22 PidLidSharingRemoteLastModificationTime
8A23 PidLidSharingLocalLastModificationTime
8A24 PidLidSharingConfigurationUrl
8A25 PidLidSharingStart
8A26 PidLidSharingStop
8A27 PidLidSharingResponseType
8A28 PidLidSharingResponseTime
8A29 PidLidSharingOriginalMessageEntryId
8A2A PidLidSharingSyncInterval
8A2B PidLidSharingDetail
8A2C PidLidSharingTimeToLive
8A2D PidLidSharingBindingEntryId
8A2E PidLidSharingIndexEntryId
8A2F PidLidSharingRemoteComment
8A40 PidLidSharingWorkingHoursStart
8A41 PidLidSharingWorkingHoursEnd
8A42 PidLidSharingWorkingHoursDays
8A43 PidLidSharingWorkingHoursTimeZone
8A44 PidLidSharingDataRangeStart
8A45 PidLidSharingDataRangeEnd
8A46 PidLidSharingRangeStart
8A47 PidLidSharingRangeEnd
8A48 PidLidSharingRemoteStoreUid
8A49 PidLidSharingLocalStoreUid
8A4B PidLidSharingRemoteByteSize
8A4C PidLidSharingRemoteCrc
8A4D PidLidSharingLocalComment
8A4E PidLidSharingRoamLog
8A4F PidLidSharingRemoteMessageCount
8A51 PidLidSharingBrowseUrl
8A55 PidLidSharingLastAutoSyncTime
8A56 PidLidSharingTimeToLiveAuto
8A5B PidLidSharingRemoteVersion
8A5C PidLidSharingParentBindingEntryId
8A60 PidLidSharingSyncFlags
`,
  PS_PUBLIC_STRINGS: `
9000 PidLidCategories
`,
};

/** PidName names: property set → string name (tab) canonical name; PS_INTERNET_HEADERS names are case-insensitive (stored lower-case). */
const NAME_TEXT: Record<string, string> = {
  PS_PUBLIC_STRINGS: `
AppName	PidNameApplicationName
Author	PidNameAuthor
ByteCount	PidNameByteCount
urn:schemas:calendar:attendeerole	PidNameCalendarAttendeeRole
urn:schemas:calendar:busystatus	PidNameCalendarBusystatus
urn:schemas:calendar:contact	PidNameCalendarContact
urn:schemas:calendar:contacturl	PidNameCalendarContactUrl
urn:schemas:calendar:created	PidNameCalendarCreated
urn:schemas:calendar:descriptionurl	PidNameCalendarDescriptionUrl
urn:schemas:calendar:duration	PidNameCalendarDuration
urn:schemas:calendar:exdate	PidNameCalendarExceptionDate
urn:schemas:calendar:exrule	PidNameCalendarExceptionRule
urn:schemas:calendar:geolatitude	PidNameCalendarGeoLatitude
urn:schemas:calendar:geolongitude	PidNameCalendarGeoLongitude
urn:schemas:calendar:instancetype	PidNameCalendarInstanceType
urn:schemas:calendar:isorganizer	PidNameCalendarIsOrganizer
urn:schemas:calendar:lastmodified	PidNameCalendarLastModified
urn:schemas:calendar:locationurl	PidNameCalendarLocationUrl
urn:schemas:calendar:meetingstatus	PidNameCalendarMeetingStatus
urn:schemas:calendar:method	PidNameCalendarMethod
urn:schemas:calendar:prodid	PidNameCalendarProductId
urn:schemas:calendar:recurrenceidrange	PidNameCalendarRecurrenceIdRange
urn:schemas:calendar:reminderoffset	PidNameCalendarReminderOffset
urn:schemas:calendar:resources	PidNameCalendarResources
urn:schemas:calendar:rsvp	PidNameCalendarRsvp
urn:schemas:calendar:sequence	PidNameCalendarSequence
urn:schemas:calendar:timezone	PidNameCalendarTimeZone
urn:schemas:calendar:timezoneid	PidNameCalendarTimeZoneId
urn:schemas:calendar:transparent	PidNameCalendarTransparent
urn:schemas:calendar:uid	PidNameCalendarUid
urn:schemas:calendar:version	PidNameCalendarVersion
urn:schemas:calendar:rdate	PidNameICalendarRecurrenceDate
urn:schemas:calendar:rrule	PidNameICalendarRecurrenceRule
Category	PidNameCategory
CharCount	PidNameCharacterCount
Comments	PidNameComments
Company	PidNameCompany
CreateDtmRo	PidNameCreateDateTimeReadOnly
DAV:id	PidNameDavId
DAV:iscollection	PidNameDavIsCollection
DAV:isstructureddocument	PidNameDavIsStructuredDocument
DAV:parentname	PidNameDavParentName
DAV:uid	PidNameDavUid
DocParts	PidNameDocumentParts
EditTime	PidNameEditTime
http://schemas.microsoft.com/exchange/intendedbusystatus	PidNameExchangeIntendedBusyStatus
http://schemas.microsoft.com/exchange/junkemailmovestamp	PidNameExchangeJunkEmailMoveStamp
http://schemas.microsoft.com/exchange/modifyexceptionstruct	PidNameExchangeModifyExceptionStructure
http://schemas.microsoft.com/exchange/nomodifyexceptions	PidNameExchangeNoModifyExceptions
http://schemas.microsoft.com/exchange/patternend	PidNameExchangePatternEnd
http://schemas.microsoft.com/exchange/patternstart	PidNameExchangePatternStart
http://schemas.microsoft.com/exchange/reminderinterval	PidNameExchangeReminderInterval
urn:schemas-microsoft-com:exch-data:baseschema	PidNameExchDatabaseSchema
urn:schemas-microsoft-com:exch-data:expected-content-class	PidNameExchDataExpectedContentClass
urn:schemas-microsoft-com:exch-data:schema-collection-ref	PidNameExchDataSchemaCollectionReference
HeadingPairs	PidNameHeadingPairs
HiddenCount	PidNameHiddenCount
urn:schemas:httpmail:calendar	PidNameHttpmailCalendar
urn:schemas:httpmail:htmldescription	PidNameHttpmailHtmlDescription
urn:schemas:httpmail:sendmsg	PidNameHttpmailSendMessage
Keywords	PidNameKeywords
LastAuthor	PidNameLastAuthor
LastPrinted	PidNameLastPrinted
LastSaveDtm	PidNameLastSaveDateTime
LineCount	PidNameLineCount
LinksDirty	PidNameLinksDirty
Manager	PidNameManager
DoNotForward	PidNameMeetingDoNotForward
MMClipCount	PidNameMultimediaClipCount
NoteCount	PidNameNoteCount
OMSAccountGuid	PidNameOMSAccountGuid
OMSMobileModel	PidNameOMSMobileModel
OMSScheduleTime	PidNameOMSScheduleTime
OMSServiceType	PidNameOMSServiceType
OMSSourceType	PidNameOMSSourceType
PageCount	PidNamePageCount
ParCount	PidNameParagraphCount
http://schemas.microsoft.com/outlook/phishingstamp	PidNamePhishingStamp
PresFormat	PidNamePresentationFormat
quarantine-original-sender	PidNameQuarantineOriginalSender
RevNumber	PidNameRevisionNumber
DRMLicense	PidNameRightsManagementLicense
Scale	PidNameScale
Security	PidNameSecurity
SlideCount	PidNameSlideCount
Subject	PidNameSubject
Template	PidNameTemplate
Thumbnail	PidNameThumbnail
Title	PidNameTitle
WordCount	PidNameWordCount
`,
  PS_INTERNET_HEADERS: `
accept-language	PidNameAcceptLanguage
content-base	PidNameContentBase
content-class	PidNameContentClass
content-type	PidNameContentType
xref	PidNameCrossReference
from	PidNameFrom
subject	PidNameInternetSubject
msip_labels	PidNameMSIPLabels
x-callid	PidNameXCallId
x-faxnumberofpages	PidNameXFaxNumberOfPages
x-requireprotectedplayonphone	PidNameXRequireProtectedPlayOnPhone
x-callingtelephonenumber	PidNameXSenderTelephoneNumber
x-sharing-browse-url	PidNameXSharingBrowseUrl
x-sharing-capabilities	PidNameXSharingCapabilities
x-sharing-config-url	PidNameXSharingConfigUrl
x-sharing-exended-caps	PidNameXSharingExendedCaps
x-sharing-flavor	PidNameXSharingFlavor
x-sharing-instance-guid	PidNameXSharingInstanceGuid
x-sharing-local-type	PidNameXSharingLocalType
x-sharing-provider-guid	PidNameXSharingProviderGuid
x-sharing-provider-name	PidNameXSharingProviderName
x-sharing-provider-url	PidNameXSharingProviderUrl
x-sharing-remote-name	PidNameXSharingRemoteName
x-sharing-remote-path	PidNameXSharingRemotePath
x-sharing-remote-store-uid	PidNameXSharingRemoteStoreUid
x-sharing-remote-type	PidNameXSharingRemoteType
x-sharing-remote-uid	PidNameXSharingRemoteUid
x-attachmentorder	PidNameXVoiceMessageAttachmentOrder
x-voicemessageduration	PidNameXVoiceMessageDuration
x-voicemessagesendername	PidNameXVoiceMessageSenderName
x-mailer	PidNameXMailer
x-unsent	PidNameXUnsent
`,
  PSETID_Attachment: `
AttachmentMacContentType	PidNameAttachmentMacContentType
AttachmentMacInfo	PidNameAttachmentMacInfo
`,
  PSETID_UnifiedMessaging: `
UMAudioNotes	PidNameAudioNotes
AsrData	PidNameAutomaticSpeechRecognitionData
`,
  PSETID_XmlExtractedEntities: `
XmlExtractedAddresses	PidNameExtractedAddresses
XmlExtractedContacts	PidNameExtractedContacts
XmlExtractedEmails	PidNameExtractedEmails
XmlExtractedMeetings	PidNameExtractedMeetings
XmlExtractedPhones	PidNameExtractedPhones
XmlExtractedTasks	PidNameExtractedTasks
XmlExtractedUrls	PidNameExtractedUrls
`,
};

let lidTables: Map<string, Map<number, string>> | undefined;
let strTables: Map<string, Map<string, string>> | undefined;
function nameTables(): Map<string, Map<string, string>> {
  if (strTables) return strTables;
  strTables = new Map();
  for (const [set, text] of Object.entries(NAME_TEXT)) {
    const m = new Map<string, string>();
    for (const line of text.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) m.set(line.slice(0, tab), line.slice(tab + 1).trim());
    }
    strTables.set(set, m);
  }
  return strTables;
}
function lids(): Map<string, Map<number, string>> {
  if (lidTables) return lidTables;
  lidTables = new Map();
  for (const [set, text] of Object.entries(LIDS)) {
    const m = new Map<number, string>();
    for (const line of text.split('\n')) {
      const sp = line.indexOf(' ');
      if (sp > 0) m.set(parseInt(line.slice(0, sp), 16), line.slice(sp + 1).trim());
    }
    lidTables.set(PropertySet[set as keyof typeof PropertySet], m);
  }
  return lidTables;
}

/** PidLid / PidName canonical name of (property set, LID or string name), if in the table. */
export function namedPropertyName(propertySet: string, lidOrName: number | string): string | undefined {
  const g = propertySet.toLowerCase();
  if (typeof lidOrName === 'number')
    return lids()
      .get(g)
      ?.get(lidOrName >>> 0);
  const setName = SET_NAMES.get(g);
  if (!setName) return undefined;
  const t = nameTables().get(setName);
  if (!t) return undefined;
  return t.get(setName === 'PS_INTERNET_HEADERS' ? lidOrName.toLowerCase() : lidOrName);
}

/** "PidLidBusyStatus", or "PSETID_Common:0x8580", or "{guid}:\"name\"". */
export function describePropertyName(v: StructValue): string {
  const g = v.GUID as string;
  const key = v.Kind === 0 ? (v.LID as number) : v.Kind === 1 ? (v.Name as string) : undefined;
  const canonical = key === undefined ? undefined : namedPropertyName(g, key);
  if (canonical) return canonical;
  const set = propertySetName(g) ?? `{${g}}`;
  if (v.Kind === 0) return `${set}:${hex(v.LID as number, 4)}`;
  if (v.Kind === 1) return `${set}:${JSON.stringify(v.Name)}`;
  return `${set}: no name`;
}

/** UTF-16 name of NameSize bytes that include the 2-byte terminator; value without it. */
const sizedName: Codec<string> = custom<string>(
  'Name',
  0,
  (r, name, scope) => {
    const n = scope.num('NameSize');
    const at = r.pos;
    if (n % 2) throw new DecodeError(`NameSize ${n} is odd; a UTF-16 name needs an even size`, at);
    const b = r.take(n);
    const terminated = n >= 2 && b[n - 1] === 0 && b[n - 2] === 0;
    const s = utf16Decode(terminated ? b.subarray(0, n - 2) : b);
    return {
      value: s,
      node: {
        name,
        value: s,
        offset: at,
        length: n,
        display: JSON.stringify(s) + (terminated ? '' : ' (no terminator)'),
      },
    };
  },
  (w, v, scope) => {
    const b = utf16Encode(v);
    w.bytes(b);
    // Lossless for names decoded without a terminator: NameSize then equals the text's size.
    if (scope.num('NameSize') !== b.length) w.u16(0);
  },
);

export const PropertyNameKind: Readonly<Record<number, string>> = {
  0x00: 'MNID_ID',
  0x01: 'MNID_STRING',
  0xff: 'NoName',
};

/** [MS-OXCDATA] 2.6.1 PropertyName: Kind, GUID, then LID (Kind 0) or NameSize + Name (Kind 1). */
export const propertyName = struct(
  'PropertyName',
  [
    field('Kind', enumOf(u8, PropertyNameKind, 'Kind')),
    field('GUID', guid),
    field('LID', u32, { when: (s) => s.num('Kind') === 0 }),
    field('NameSize', u8, {
      when: (s) => s.num('Kind') === 1,
      derive: (v) => utf16Encode(v.Name as string).length + 2,
    }),
    field('Name', sizedName, { when: (s) => s.num('Kind') === 1 }),
  ],
  { summary: describePropertyName },
);
