/**
 * Canonical PidTag names by property id and type, from [MS-OXPROPS] section 2
 * (the "Property ID" and "Data type" of each PidTag entry; 0x36DF from the
 * Outlook MAPI reference, PidTagFolderWebViewInfo). Only ids below 0x8000 are
 * canonical in ROP context; ids from 0x8000 are named properties there, but
 * fixed address-book properties in NSPI context (table AB_NAMES below).
 *
 * An id can carry several properties of different types (providers reuse the
 * ranges, e.g. 0x6803 is PidTagOfflineAddressBookMessageClass as PtypInteger32
 * and PidTagVoiceMessageSenderName as PtypString), so a tag is named only by an
 * entry of its own type; the others are a hint.
 *
 * Data only: "hex-id hex-type Name" per line, parsed once on first use.
 */
const CANONICAL = `
0001 0102 PidTagTemplateData
0002 000B PidTagAlternateRecipientAllowed
0004 001F PidTagAutoForwardComment
0004 0102 PidTagScriptData
0005 000B PidTagAutoForwarded
000F 0040 PidTagDeferredDeliveryTime
0010 0040 PidTagDeliverTime
0015 0040 PidTagExpiryTime
0017 0003 PidTagImportance
001A 001F PidTagMessageClass
0023 000B PidTagOriginatorDeliveryReportRequested
0025 0102 PidTagParentKey
0026 0003 PidTagPriority
0029 000B PidTagReadReceiptRequested
002A 0040 PidTagReceiptTime
002B 000B PidTagRecipientReassignmentProhibited
002E 0003 PidTagOriginalSensitivity
0030 0040 PidTagReplyTime
0031 0102 PidTagReportTag
0032 0040 PidTagReportTime
0036 0003 PidTagSensitivity
0037 001F PidTagSubject
0039 0040 PidTagClientSubmitTime
003A 001F PidTagReportName
003B 0102 PidTagSentRepresentingSearchKey
003D 001F PidTagSubjectPrefix
003F 0102 PidTagReceivedByEntryId
0040 001F PidTagReceivedByName
0041 0102 PidTagSentRepresentingEntryId
0042 001F PidTagSentRepresentingName
0043 0102 PidTagReceivedRepresentingEntryId
0044 001F PidTagReceivedRepresentingName
0045 0102 PidTagReportEntryId
0046 0102 PidTagReadReceiptEntryId
0047 0102 PidTagMessageSubmissionId
0049 001F PidTagOriginalSubject
004B 001F PidTagOriginalMessageClass
004C 0102 PidTagOriginalAuthorEntryId
004D 001F PidTagOriginalAuthorName
004E 0040 PidTagOriginalSubmitTime
004F 0102 PidTagReplyRecipientEntries
0050 001F PidTagReplyRecipientNames
0051 0102 PidTagReceivedBySearchKey
0052 0102 PidTagReceivedRepresentingSearchKey
0053 0102 PidTagReadReceiptSearchKey
0054 0102 PidTagReportSearchKey
0055 0040 PidTagOriginalDeliveryTime
0057 000B PidTagMessageToMe
0058 000B PidTagMessageCcMe
0059 000B PidTagMessageRecipientMe
005A 001F PidTagOriginalSenderName
005B 0102 PidTagOriginalSenderEntryId
005C 0102 PidTagOriginalSenderSearchKey
005D 001F PidTagOriginalSentRepresentingName
005E 0102 PidTagOriginalSentRepresentingEntryId
005F 0102 PidTagOriginalSentRepresentingSearchKey
0060 0040 PidTagStartDate
0061 0040 PidTagEndDate
0062 0003 PidTagOwnerAppointmentId
0063 000B PidTagResponseRequested
0064 001F PidTagSentRepresentingAddressType
0065 001F PidTagSentRepresentingEmailAddress
0066 001F PidTagOriginalSenderAddressType
0067 001F PidTagOriginalSenderEmailAddress
0068 001F PidTagOriginalSentRepresentingAddressType
0069 001F PidTagOriginalSentRepresentingEmailAddress
0070 001F PidTagConversationTopic
0071 0102 PidTagConversationIndex
0072 001F PidTagOriginalDisplayBcc
0073 001F PidTagOriginalDisplayCc
0074 001F PidTagOriginalDisplayTo
0075 001F PidTagReceivedByAddressType
0076 001F PidTagReceivedByEmailAddress
0077 001F PidTagReceivedRepresentingAddressType
0078 001F PidTagReceivedRepresentingEmailAddress
007D 001F PidTagTransportMessageHeaders
007F 0102 PidTagTnefCorrelationKey
0080 001F PidTagReportDisposition
0081 001F PidTagReportDispositionMode
0807 0003 PidTagAddressBookRoomCapacity
0809 001F PidTagAddressBookRoomDescription
0C04 0003 PidTagNonDeliveryReportReasonCode
0C05 0003 PidTagNonDeliveryReportDiagCode
0C06 000B PidTagNonReceiptNotificationRequested
0C08 000B PidTagOriginatorNonDeliveryReportRequested
0C15 0003 PidTagRecipientType
0C17 000B PidTagReplyRequested
0C19 0102 PidTagSenderEntryId
0C1A 001F PidTagSenderName
0C1B 001F PidTagSupplementaryInfo
0C1D 0102 PidTagSenderSearchKey
0C1E 001F PidTagSenderAddressType
0C1F 001F PidTagSenderEmailAddress
0C20 0003 PidTagNonDeliveryReportStatusCode
0C21 001F PidTagRemoteMessageTransferAgent
0E01 000B PidTagDeleteAfterSubmit
0E02 001F PidTagDisplayBcc
0E03 001F PidTagDisplayCc
0E04 001F PidTagDisplayTo
0E06 0040 PidTagMessageDeliveryTime
0E07 0003 PidTagMessageFlags
0E08 0003 PidTagMessageSize
0E08 0014 PidTagMessageSizeExtended
0E09 0102 PidTagParentEntryId
0E0F 000B PidTagResponsibility
0E12 000D PidTagMessageRecipients
0E13 000D PidTagMessageAttachments
0E17 0003 PidTagMessageStatus
0E1B 000B PidTagHasAttachments
0E1D 001F PidTagNormalizedSubject
0E1F 000B PidTagRtfInSync
0E20 0003 PidTagAttachSize
0E21 0003 PidTagAttachNumber
0E28 001F PidTagPrimarySendAccount
0E29 001F PidTagNextSendAcct
0E2B 0003 PidTagToDoItemFlags
0E2C 0102 PidTagSwappedToDoStore
0E2D 0102 PidTagSwappedToDoData
0E69 000B PidTagRead
0E6A 001F PidTagSecurityDescriptorAsXml
0E79 0003 PidTagTrustSender
0E84 0102 PidTagExchangeNTSecurityDescriptor
0E99 0102 PidTagExtendedRuleMessageActions
0E9A 0102 PidTagExtendedRuleMessageCondition
0E9B 0003 PidTagExtendedRuleSizeLimit
0FF4 0003 PidTagAccess
0FF5 0003 PidTagRowType
0FF6 0102 PidTagInstanceKey
0FF7 0003 PidTagAccessLevel
0FF8 0102 PidTagMappingSignature
0FF9 0102 PidTagRecordKey
0FFB 0102 PidTagStoreEntryId
0FFE 0003 PidTagObjectType
0FFF 0102 PidTagEntryId
1000 001F PidTagBody
1001 001F PidTagReportText
1009 0102 PidTagRtfCompressed
1013 001F PidTagBodyHtml
1013 0102 PidTagHtml
1014 001F PidTagBodyContentLocation
1015 001F PidTagBodyContentId
1016 0003 PidTagNativeBody
1035 001F PidTagInternetMessageId
1039 001F PidTagInternetReferences
1042 001F PidTagInReplyToId
1043 001F PidTagListHelp
1044 001F PidTagListSubscribe
1045 001F PidTagListUnsubscribe
1046 001F PidTagOriginalMessageId
1080 0003 PidTagIconIndex
1081 0003 PidTagLastVerbExecuted
1082 0040 PidTagLastVerbExecutionTime
1090 0003 PidTagFlagStatus
1091 0040 PidTagFlagCompleteTime
1095 0003 PidTagFollowupIcon
1096 0003 PidTagBlockStatus
10C3 0040 PidTagICalendarStartTime
10C4 0040 PidTagICalendarEndTime
10C5 0040 PidTagCdoRecurrenceid
10CA 0040 PidTagICalendarReminderNextTime
10F4 000B PidTagAttributeHidden
10F6 000B PidTagAttributeReadOnly
3000 0003 PidTagRowid
3001 001F PidTagDisplayName
3002 001F PidTagAddressType
3003 001F PidTagEmailAddress
3004 001F PidTagComment
3005 0003 PidTagDepth
3007 0040 PidTagCreationTime
3008 0040 PidTagLastModificationTime
300B 0102 PidTagSearchKey
3010 0102 PidTagTargetEntryId
3013 0102 PidTagConversationId
3016 000B PidTagConversationIndexTracking
3018 0102 PidTagArchiveTag
3019 0102 PidTagPolicyTag
301A 0003 PidTagRetentionPeriod
301B 0102 PidTagStartDateEtc
301C 0040 PidTagRetentionDate
301D 0003 PidTagRetentionFlags
301E 0003 PidTagArchivePeriod
301F 0040 PidTagArchiveDate
340D 0003 PidTagStoreSupportMask
340E 0003 PidTagStoreState
3600 0003 PidTagContainerFlags
3601 0003 PidTagFolderType
3602 0003 PidTagContentCount
3603 0003 PidTagContentUnreadCount
3609 000B PidTagSelectable
360A 000B PidTagSubfolders
360C 001F PidTagAnr
360E 000D PidTagContainerHierarchy
360F 000D PidTagContainerContents
3610 000D PidTagFolderAssociatedContents
3613 001F PidTagContainerClass
36D0 0102 PidTagIpmAppointmentEntryId
36D1 0102 PidTagIpmContactEntryId
36D2 0102 PidTagIpmJournalEntryId
36D3 0102 PidTagIpmNoteEntryId
36D4 0102 PidTagIpmTaskEntryId
36D5 0102 PidTagRemindersOnlineEntryId
36D7 0102 PidTagIpmDraftsEntryId
36D8 1102 PidTagAdditionalRenEntryIds
36D9 0102 PidTagAdditionalRenEntryIdsEx
36DA 0102 PidTagExtendedFolderFlags
36DF 0102 PidTagFolderWebViewInfo
36E2 0003 PidTagOrdinalMost
36E4 1102 PidTagFreeBusyEntryIds
36E5 001F PidTagDefaultPostMessageClass
3701 0102 PidTagAttachDataBinary
3701 000D PidTagAttachDataObject
3702 0102 PidTagAttachEncoding
3703 001F PidTagAttachExtension
3704 001F PidTagAttachFilename
3705 0003 PidTagAttachMethod
3707 001F PidTagAttachLongFilename
3708 001F PidTagAttachPathname
3709 0102 PidTagAttachRendering
370A 0102 PidTagAttachTag
370B 0003 PidTagRenderingPosition
370C 001F PidTagAttachTransportName
370D 001F PidTagAttachLongPathname
370E 001F PidTagAttachMimeTag
370F 0102 PidTagAttachAdditionalInformation
3711 001F PidTagAttachContentBase
3712 001F PidTagAttachContentId
3713 001F PidTagAttachContentLocation
3714 0003 PidTagAttachFlags
3719 001F PidTagAttachPayloadProviderGuidString
371A 001F PidTagAttachPayloadClass
371B 001F PidTagTextAttachmentCharset
3900 0003 PidTagDisplayType
3902 0102 PidTagTemplateid
3905 0003 PidTagDisplayTypeEx
39FE 001F PidTagSmtpAddress
39FF 001F PidTagAddressBookDisplayNamePrintable
3A00 001F PidTagAccount
3A02 001F PidTagCallbackTelephoneNumber
3A05 001F PidTagGeneration
3A06 001F PidTagGivenName
3A07 001F PidTagGovernmentIdNumber
3A08 001F PidTagBusinessTelephoneNumber
3A09 001F PidTagHomeTelephoneNumber
3A0A 001F PidTagInitials
3A0B 001F PidTagKeyword
3A0C 001F PidTagLanguage
3A0D 001F PidTagLocation
3A0F 001F PidTagMessageHandlingSystemCommonName
3A10 001F PidTagOrganizationalIdNumber
3A11 001F PidTagSurname
3A12 0102 PidTagOriginalEntryId
3A15 001F PidTagPostalAddress
3A16 001F PidTagCompanyName
3A17 001F PidTagTitle
3A18 001F PidTagDepartmentName
3A19 001F PidTagOfficeLocation
3A1A 001F PidTagPrimaryTelephoneNumber
3A1B 001F PidTagBusiness2TelephoneNumber
3A1B 101F PidTagBusiness2TelephoneNumbers
3A1C 001F PidTagMobileTelephoneNumber
3A1D 001F PidTagRadioTelephoneNumber
3A1E 001F PidTagCarTelephoneNumber
3A1F 001F PidTagOtherTelephoneNumber
3A20 001F PidTagTransmittableDisplayName
3A21 001F PidTagPagerTelephoneNumber
3A22 0102 PidTagUserCertificate
3A23 001F PidTagPrimaryFaxNumber
3A24 001F PidTagBusinessFaxNumber
3A25 001F PidTagHomeFaxNumber
3A26 001F PidTagCountry
3A27 001F PidTagLocality
3A28 001F PidTagStateOrProvince
3A29 001F PidTagStreetAddress
3A2A 001F PidTagPostalCode
3A2B 001F PidTagPostOfficeBox
3A2C 1102 PidTagTelexNumber
3A2D 001F PidTagIsdnNumber
3A2E 001F PidTagAssistantTelephoneNumber
3A2F 001F PidTagHome2TelephoneNumber
3A2F 101F PidTagHome2TelephoneNumbers
3A30 001F PidTagAssistant
3A40 000B PidTagSendRichInfo
3A41 0040 PidTagWeddingAnniversary
3A42 0040 PidTagBirthday
3A43 001F PidTagHobbies
3A44 001F PidTagMiddleName
3A45 001F PidTagDisplayNamePrefix
3A46 001F PidTagProfession
3A47 001F PidTagReferredByName
3A48 001F PidTagSpouseName
3A49 001F PidTagComputerNetworkName
3A4A 001F PidTagCustomerId
3A4B 001F PidTagTelecommunicationsDeviceForDeafTelephoneNumber
3A4C 001F PidTagFtpSite
3A4D 0002 PidTagGender
3A4E 001F PidTagManagerName
3A4F 001F PidTagNickname
3A50 001F PidTagPersonalHomePage
3A51 001F PidTagBusinessHomePage
3A57 001F PidTagCompanyMainTelephoneNumber
3A58 101F PidTagChildrensNames
3A59 001F PidTagHomeAddressCity
3A5A 001F PidTagHomeAddressCountry
3A5B 001F PidTagHomeAddressPostalCode
3A5C 001F PidTagHomeAddressStateOrProvince
3A5D 001F PidTagHomeAddressStreet
3A5E 001F PidTagHomeAddressPostOfficeBox
3A5F 001F PidTagOtherAddressCity
3A60 001F PidTagOtherAddressCountry
3A61 001F PidTagOtherAddressPostalCode
3A62 001F PidTagOtherAddressStateOrProvince
3A63 001F PidTagOtherAddressStreet
3A64 001F PidTagOtherAddressPostOfficeBox
3A70 1102 PidTagUserX509Certificate
3A71 0003 PidTagSendInternetEncoding
3D01 0102 PidTagAbProviders
3F08 0003 PidTagInitialDetailsPane
3FDE 0003 PidTagInternetCodepage
3FDF 0003 PidTagAutoResponseSuppress
3FE0 0102 PidTagAccessControlListData
3FE3 000B PidTagDelegatedByRule
3FE7 0003 PidTagResolveMethod
3FEA 000B PidTagHasDeferredActionMessages
3FEB 0003 PidTagDeferredSendNumber
3FEC 0003 PidTagDeferredSendUnits
3FED 0003 PidTagExpiryNumber
3FEE 0003 PidTagExpiryUnits
3FEF 0040 PidTagDeferredSendTime
3FF0 0102 PidTagConflictEntryId
3FF1 0003 PidTagMessageLocaleId
3FF8 001F PidTagCreatorName
3FF9 0102 PidTagCreatorEntryId
3FFA 001F PidTagLastModifierName
3FFB 0102 PidTagLastModifierEntryId
3FFD 0003 PidTagMessageCodepage
4019 0003 PidTagSenderFlags
401A 0003 PidTagSentRepresentingFlags
401B 0003 PidTagReceivedByFlags
401C 0003 PidTagReceivedRepresentingFlags
4029 001F PidTagReadReceiptAddressType
402A 001F PidTagReadReceiptEmailAddress
402B 001F PidTagReadReceiptName
4076 0003 PidTagContentFilterSpamConfidenceLevel
4079 0003 PidTagSenderIdStatus
4082 0040 PidTagHierRev
4083 001F PidTagPurportedSenderDomain
5902 0003 PidTagInternetMailOverrideFormat
5909 0003 PidTagMessageEditorFormat
5D01 001F PidTagSenderSmtpAddress
5D02 001F PidTagSentRepresentingSmtpAddress
5D05 001F PidTagReadReceiptSmtpAddress
5D07 001F PidTagReceivedBySmtpAddress
5D08 001F PidTagReceivedRepresentingSmtpAddress
5FDE 0003 PidTagRecipientResourceState
5FDF 0003 PidTagRecipientOrder
5FE1 000B PidTagRecipientProposed
5FE3 0040 PidTagRecipientProposedStartTime
5FE4 0040 PidTagRecipientProposedEndTime
5FE5 001F PidTagRecipientSipUri
5FF6 001F PidTagRecipientDisplayName
5FF7 0102 PidTagRecipientEntryId
5FFB 0040 PidTagRecipientTrackStatusTime
5FFD 0003 PidTagRecipientFlags
5FFF 0003 PidTagRecipientTrackStatus
6001 001F PidTagDotStuffState
6100 0003 PidTagJunkIncludeContacts
6101 0003 PidTagJunkThreshold
6102 0003 PidTagJunkPermanentlyDelete
6103 0003 PidTagJunkAddRecipientsToSafeSendersList
6107 000B PidTagJunkPhishingEnableLinks
64F0 0102 PidTagMimeSkeleton
65C2 0102 PidTagReplyTemplateId
65E0 0102 PidTagSourceKey
65E1 0102 PidTagParentSourceKey
65E2 0102 PidTagChangeKey
65E3 0102 PidTagPredecessorChangeList
65E9 0003 PidTagRuleMessageState
65EA 0003 PidTagRuleMessageUserFlags
65EB 001F PidTagRuleMessageProvider
65EC 001F PidTagRuleMessageName
65ED 0003 PidTagRuleMessageLevel
65EE 0102 PidTagRuleMessageProviderData
65F3 0003 PidTagRuleMessageSequence
6619 0102 PidTagUserEntryId
661B 0102 PidTagMailboxOwnerEntryId
661C 001F PidTagMailboxOwnerName
661D 000B PidTagOutOfOfficeState
6622 0102 PidTagSchedulePlusFreeBusyEntryId
6638 0102 PidTagSerializedReplidGuidMap
6639 0003 PidTagRights
663A 000B PidTagHasRules
663B 0102 PidTagAddressBookEntryId
663E 0003 PidTagHierarchyChangeNumber
6645 0102 PidTagClientActions
6646 0102 PidTagDamOriginalEntryId
6647 000B PidTagDamBackPatched
6648 0003 PidTagRuleError
6649 0003 PidTagRuleActionType
664A 000B PidTagHasNamedProperties
6650 0003 PidTagRuleActionNumber
6651 0102 PidTagRuleFolderEntryId
666A 0003 PidTagProhibitReceiveQuota
666C 000B PidTagInConflict
666D 0003 PidTagMaximumSubmitMessageSize
666E 0003 PidTagProhibitSendQuota
6671 0014 PidTagMemberId
6672 001F PidTagMemberName
6673 0003 PidTagMemberRights
6674 0014 PidTagRuleId
6675 0102 PidTagRuleIds
6676 0003 PidTagRuleSequence
6677 0003 PidTagRuleState
6678 0003 PidTagRuleUserFlags
6679 00FD PidTagRuleCondition
6680 00FE PidTagRuleActions
6681 001F PidTagRuleProvider
6682 001F PidTagRuleName
6683 0003 PidTagRuleLevel
6684 0102 PidTagRuleProviderData
668F 0040 PidTagDeletedOn
66A1 0003 PidTagLocaleId
66A8 0003 PidTagFolderFlags
66C3 0003 PidTagCodePageId
6704 000D PidTagAddressBookManageDistributionList
6705 0003 PidTagSortLocaleId
6707 001F PidTagUrlName
6708 000B PidTagSubfolder
6709 0040 PidTagLocalCommitTime
670A 0040 PidTagLocalCommitTimeMax
670B 0003 PidTagDeletedCountTotal
670E 001F PidTagFlatUrlName
6740 00FB PidTagSentMailSvrEID
6741 00FB PidTagDeferredActionMessageOriginalEntryId
6748 0014 PidTagFolderId
6749 0014 PidTagParentFolderId
674A 0014 PidTagMid
674D 0014 PidTagInstID
674E 0003 PidTagInstanceNum
674F 0014 PidTagAddressBookMessageId
67A4 0014 PidTagChangeNumber
67AA 000B PidTagAssociated
6800 001F PidTagOfflineAddressBookName
6801 0003 PidTagVoiceMessageDuration
6802 001E PidTagOfflineAddressBookContainerGuid
6802 0102 PidTagRwRulesStream
6802 001F PidTagSenderTelephoneNumber
6803 0003 PidTagOfflineAddressBookMessageClass
6803 001F PidTagVoiceMessageSenderName
6804 0003 PidTagFaxNumberOfPages
6804 001E PidTagOfflineAddressBookDistinguishedName
6805 1003 PidTagOfflineAddressBookTruncatedProperties
6805 001F PidTagVoiceMessageAttachmentOrder
6806 001F PidTagCallId
6820 001F PidTagReportingMessageTransferAgent
6834 0003 PidTagSearchFolderLastUsed
683A 0003 PidTagSearchFolderExpiration
6841 0003 PidTagScheduleInfoResourceType
6841 0003 PidTagSearchFolderTemplateId
6842 000B PidTagScheduleInfoDelegatorWantsCopy
6842 0102 PidTagWlinkGroupHeaderID
6843 000B PidTagScheduleInfoDontMailDelegates
6844 101F PidTagScheduleInfoDelegateNames
6844 0102 PidTagSearchFolderRecreateInfo
6845 1102 PidTagScheduleInfoDelegateEntryIds
6845 0102 PidTagSearchFolderDefinition
6846 000B PidTagGatewayNeedsToRefresh
6846 0003 PidTagSearchFolderStorageType
6847 0003 PidTagWlinkSaveStamp
6848 0003 PidTagSearchFolderEfpFlags
6849 001F PidTagFreeBusyMessageEmailAddress
6849 0003 PidTagWlinkType
684A 101F PidTagScheduleInfoDelegateNamesW
684A 0003 PidTagWlinkFlags
684B 000B PidTagScheduleInfoDelegatorWantsInfo
684B 0102 PidTagWlinkOrdinal
684C 0102 PidTagWlinkEntryId
684D 0102 PidTagWlinkRecordKey
684E 0102 PidTagWlinkStoreEntryId
684F 1003 PidTagScheduleInfoMonthsMerged
684F 0102 PidTagWlinkFolderType
6850 1102 PidTagScheduleInfoFreeBusyMerged
6850 0102 PidTagWlinkGroupClsid
6851 1003 PidTagScheduleInfoMonthsTentative
6851 001F PidTagWlinkGroupName
6852 1102 PidTagScheduleInfoFreeBusyTentative
6852 0003 PidTagWlinkSection
6853 1003 PidTagScheduleInfoMonthsBusy
6853 0003 PidTagWlinkCalendarColor
6854 1102 PidTagScheduleInfoFreeBusyBusy
6854 0102 PidTagWlinkAddressBookEID
6855 1003 PidTagScheduleInfoMonthsAway
6856 1102 PidTagScheduleInfoFreeBusyAway
6868 0040 PidTagFreeBusyRangeTimestamp
6869 0003 PidTagFreeBusyCountMonths
686A 0102 PidTagScheduleInfoAppointmentTombstone
686B 1003 PidTagDelegateFlags
686C 0102 PidTagScheduleInfoFreeBusy
686D 000B PidTagScheduleInfoAutoAcceptAppointments
686E 000B PidTagScheduleInfoDisallowRecurringAppts
686F 000B PidTagScheduleInfoDisallowOverlappingAppts
6890 0102 PidTagWlinkClientID
6891 0102 PidTagWlinkAddressBookStoreEID
6892 0003 PidTagWlinkROGroupType
7001 0102 PidTagViewDescriptorBinary
7002 001F PidTagViewDescriptorStrings
7006 001F PidTagViewDescriptorName
7007 0003 PidTagViewDescriptorVersion
7C06 0003 PidTagRoamingDatatypes
7C07 0102 PidTagRoamingDictionary
7C08 0102 PidTagRoamingXmlStream
7C24 000B PidTagOscSyncEnabled
7D01 000B PidTagProcessed
7FF9 0040 PidTagExceptionReplaceTime
7FFA 0003 PidTagAttachmentLinkId
7FFB 0040 PidTagExceptionStartTime
7FFC 0040 PidTagExceptionEndTime
7FFD 0003 PidTagAttachmentFlags
7FFE 000B PidTagAttachmentHidden
7FFF 000B PidTagAttachmentContactPhoto
`;

/** Address-book properties with fixed ids ≥ 0x8000 ([MS-OXPROPS], [MS-OXOABK] 2.2). */
const AB_NAMES = `
8004 001F PidTagAddressBookFolderPathname
8005 000D PidTagAddressBookManager
8005 001F PidTagAddressBookManagerDistinguishedName
8006 000D PidTagAddressBookHomeMessageDatabase
8008 000D PidTagAddressBookIsMemberOfDistributionList
8009 000D PidTagAddressBookMember
800C 000D PidTagAddressBookOwner
800E 000D PidTagAddressBookReports
800F 101F PidTagAddressBookProxyAddresses
8011 001F PidTagAddressBookTargetAddress
8015 000D PidTagAddressBookPublicDelegates
8024 000D PidTagAddressBookOwnerBackLink
802D 001F PidTagAddressBookExtensionAttribute1
802E 001F PidTagAddressBookExtensionAttribute2
802F 001F PidTagAddressBookExtensionAttribute3
8030 001F PidTagAddressBookExtensionAttribute4
8031 001F PidTagAddressBookExtensionAttribute5
8032 001F PidTagAddressBookExtensionAttribute6
8033 001F PidTagAddressBookExtensionAttribute7
8034 001F PidTagAddressBookExtensionAttribute8
8035 001F PidTagAddressBookExtensionAttribute9
8036 001F PidTagAddressBookExtensionAttribute10
803C 001F PidTagAddressBookObjectDistinguishedName
806A 0003 PidTagAddressBookDeliveryContentLength
8073 000D PidTagAddressBookDistributionListMemberSubmitAccepted
8170 101F PidTagAddressBookNetworkAddress
8C57 001F PidTagAddressBookExtensionAttribute11
8C58 001F PidTagAddressBookExtensionAttribute12
8C59 001F PidTagAddressBookExtensionAttribute13
8C60 001F PidTagAddressBookExtensionAttribute14
8C61 001F PidTagAddressBookExtensionAttribute15
8C6A 1102 PidTagAddressBookX509Certificate
8C6D 0102 PidTagAddressBookObjectGuid
8C8E 001F PidTagAddressBookPhoneticGivenName
8C8F 001F PidTagAddressBookPhoneticSurname
8C90 001F PidTagAddressBookPhoneticDepartmentName
8C91 001F PidTagAddressBookPhoneticCompanyName
8C92 001F PidTagAddressBookPhoneticDisplayName
8C93 0003 PidTagAddressBookDisplayTypeExtended
8C94 000D PidTagAddressBookHierarchicalShowInDepartments
8C96 101F PidTagAddressBookRoomContainers
8C97 000D PidTagAddressBookHierarchicalDepartmentMembers
8C98 001E PidTagAddressBookHierarchicalRootDepartment
8C99 000D PidTagAddressBookHierarchicalParentDepartment
8C9A 000D PidTagAddressBookHierarchicalChildDepartments
8C9E 0102 PidTagThumbnailPhoto
8CA0 0003 PidTagAddressBookSeniorityIndex
8CA8 001F PidTagAddressBookOrganizationalUnitRootDistinguishedName
8CAC 101F PidTagAddressBookSenderHintTranslations
8CB5 000B PidTagAddressBookModerationEnabled
8CC2 0102 PidTagSpokenName
8CD8 000D PidTagAddressBookAuthorizedSenders
8CD9 000D PidTagAddressBookUnauthorizedSenders
8CDA 000D PidTagAddressBookDistributionListMemberSubmitRejected
8CDB 000D PidTagAddressBookDistributionListRejectMessagesFromDLMembers
8CDD 000B PidTagAddressBookHierarchicalIsHierarchicalGroup
8CE2 0003 PidTagAddressBookDistributionListMemberCount
8CE3 0003 PidTagAddressBookDistributionListExternalMemberCount
FFFB 000B PidTagAddressBookIsMaster
FFFC 0102 PidTagAddressBookParentEntryId
FFFD 0003 PidTagAddressBookContainerId
`;

export interface TagEntry {
  readonly type: number;
  readonly name: string;
}

function parse(text: string): Map<number, TagEntry[]> {
  const m = new Map<number, TagEntry[]>();
  for (const line of text.split('\n')) {
    const [id, type, name] = line.trim().split(' ');
    if (!id || !type || !name) continue;
    const k = parseInt(id, 16);
    const list = m.get(k);
    const e = { type: parseInt(type, 16), name };
    if (list) list.push(e);
    else m.set(k, [e]);
  }
  return m;
}

let canonical: Map<number, TagEntry[]> | undefined;
let ab: Map<number, TagEntry[]> | undefined;

/** The [MS-OXPROPS] entries of a property id below 0x8000 (any type). */
export function canonicalTagEntries(id: number): readonly TagEntry[] | undefined {
  canonical ??= parse(CANONICAL);
  return canonical.get(id);
}

/** The entries of an address-book property id (any id; below 0x8000 the canonical ones). */
export function addressBookTagEntries(id: number): readonly TagEntry[] | undefined {
  ab ??= parse(AB_NAMES);
  return ab.get(id) ?? (id < 0x8000 ? canonicalTagEntries(id) : undefined);
}

/** PidTag name for a property id below 0x8000, whatever the type (the first entry). */
export function canonicalTagName(id: number): string | undefined {
  return canonicalTagEntries(id)?.[0]?.name;
}

/** PidTag name for an address-book property id (any id), whatever the type. */
export function addressBookTagName(id: number): string | undefined {
  return addressBookTagEntries(id)?.[0]?.name;
}

/** Property id of a PidTag name (either table), for tests and tools. */
export function tagIdByName(name: string): number | undefined {
  canonical ??= parse(CANONICAL);
  ab ??= parse(AB_NAMES);
  for (const m of [canonical, ab]) for (const [id, list] of m) if (list.some((e) => e.name === name)) return id;
  return undefined;
}

/** Every entry of both tables (the filter registry's `prop.*` fields), sorted by name. */
export function allTagEntries(): TagEntry[] {
  canonical ??= parse(CANONICAL);
  ab ??= parse(AB_NAMES);
  const out: TagEntry[] = [];
  for (const m of [canonical, ab]) for (const list of m.values()) out.push(...list);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.type - b.type));
}
