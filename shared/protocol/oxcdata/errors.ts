/**
 * [MS-OXCDATA] 2.4 error codes: 2.4.1 additional error codes, 2.4.2 property
 * error codes and 2.4.3 warnings, each with its usual alias (ec* / MAPI_E_* /
 * MAPI_W_*) and the spec's own name. Values and names are facts of the spec
 * (as also listed by OpenChange's mapistatus.h); "-" marks plain MAPI codes the
 * spec does not list.
 */
import { type Codec, hex, u32, withDisplay } from '../../codec/index.js';

/** "hex alias SpecName" per line. */
const TABLE = `00000000 Success Success
80004005 MAPI_E_CALL_FAILED GeneralFailure
8007000E MAPI_E_NOT_ENOUGH_MEMORY OutOfMemory
80070057 MAPI_E_INVALID_PARAMETER InvalidParameter
80004002 MAPI_E_INTERFACE_NOT_SUPPORTED NoInterface
80004001 E_NOTIMPL -
80070005 MAPI_E_NO_ACCESS AccessDenied
80030001 STG_E_INVALIDFUNCTION StorageInvalidFunction
80030005 STG_E_ACCESSDENIED StorageAccessDenied
80030008 STG_E_INSUFFICIENTMEMORY StorageInsufficientMemory
80030009 STG_E_INVALIDPOINTER StorageInvalidPointer
8003001E STG_E_READFAULT StorageReadFault
80030021 STG_E_LOCKVIOLATION StorageLockViolation
80030057 STG_E_INVALIDPARAMETER StorageInvalidParameter
800300FF STG_E_INVALIDFLAG StorageInvalidFlag
80030103 STG_E_CANTSAVE StorageCantSave
80040102 MAPI_E_NO_SUPPORT NotSupported
80040103 MAPI_E_BAD_CHARWIDTH InvalidCharacterWidth
80040105 MAPI_E_STRING_TOO_LONG StringTooLong
80040106 MAPI_E_UNKNOWN_FLAGS InvalidFlag
80040107 MAPI_E_INVALID_ENTRYID InvalidEntryId
80040108 MAPI_E_INVALID_OBJECT InvalidObject
80040109 MAPI_E_OBJECT_CHANGED ObjectChanged
8004010A MAPI_E_OBJECT_DELETED ObjectDeleted
8004010B MAPI_E_BUSY ServerBusy
8004010D MAPI_E_NOT_ENOUGH_DISK OutOfDisk
8004010E MAPI_E_NOT_ENOUGH_RESOURCES OutOfResources
8004010F MAPI_E_NOT_FOUND NotFound
80040110 MAPI_E_VERSION VersionMismatch
80040111 MAPI_E_LOGON_FAILED LogonFailed
80040112 MAPI_E_SESSION_LIMIT TooManySessions
80040113 MAPI_E_USER_CANCEL UserCanceled
80040114 MAPI_E_UNABLE_TO_ABORT AbortFailed
80040115 MAPI_E_NETWORK_ERROR NetworkError
80040116 MAPI_E_DISK_ERROR DiskError
80040117 MAPI_E_TOO_COMPLEX TooComplex
80040118 MAPI_E_BAD_COLUMN InvalidColumn
80040119 MAPI_E_EXTENDED_ERROR -
8004011A MAPI_E_COMPUTED ComputedValue
8004011B MAPI_E_CORRUPT_DATA CorruptData
8004011C MAPI_E_UNCONFIGURED -
8004011D MAPI_E_FAILONEPROVIDER -
8004011E MAPI_E_UNKNOWN_CPID InvalidCodepage
8004011F MAPI_E_UNKNOWN_LCID InvalidLocale
80040120 MAPI_E_PASSWORD_CHANGE_REQUIRED -
80040121 MAPI_E_PASSWORD_EXPIRED -
80040122 MAPI_E_INVALID_WORKSTATION_ACCOUNT -
80040123 MAPI_E_INVALID_ACCESS_TIME TimeSkew
80040124 MAPI_E_ACCOUNT_DISABLED -
80040200 MAPI_E_END_OF_SESSION EndOfSession
80040201 MAPI_E_UNKNOWN_ENTRYID UnknownEntryId
80040202 MAPI_E_MISSING_REQUIRED_COLUMN -
80040301 MAPI_E_BAD_VALUE -
80040302 MAPI_E_INVALID_TYPE -
80040303 MAPI_E_TYPE_NO_SUPPORT -
80040304 MAPI_E_UNEXPECTED_TYPE -
80040305 MAPI_E_TOO_BIG -
80040306 MAPI_E_DECLINE_COPY -
80040307 MAPI_E_UNEXPECTED_ID -
80040400 MAPI_E_UNABLE_TO_COMPLETE NotCompleted
80040401 MAPI_E_TIMEOUT Timeout
80040402 MAPI_E_TABLE_EMPTY EmptyTable
80040403 MAPI_E_TABLE_TOO_BIG TableTooBig
80040405 MAPI_E_INVALID_BOOKMARK InvalidBookmark
80040500 MAPI_E_WAIT ErrorWait
80040501 MAPI_E_CANCEL ErrorCancel
80040600 MAPI_E_NOT_ME -
80040602 MAPI_E_NO_SUPPRESS NoSuppress
80040604 MAPI_E_COLLISION CollidingNames
80040605 MAPI_E_NOT_INITIALIZED NotInitialized
80040606 MAPI_E_NON_STANDARD -
80040607 MAPI_E_NO_RECIPIENTS NoRecipients
80040608 MAPI_E_SUBMITTED AlreadySent
80040609 MAPI_E_HAS_FOLDERS HasFolders
8004060A MAPI_E_HAS_MESSAGES HasMessages
8004060B MAPI_E_FOLDER_CYCLE FolderCycle
8004060D MAPI_E_LOCKID_LIMIT TooManyLocks
80040700 MAPI_E_AMBIGUOUS_RECIP AmbiguousRecipient
80040800 SYNC_E_OBJECT_DELETED SyncObjectDeleted
80040801 SYNC_E_IGNORE IgnoreFailure
80040802 SYNC_E_CONFLICT SyncConflict
80040803 SYNC_E_NO_PARENT NoParentFolder
80040804 SYNC_E_CYCLE_DELETED CycleDeleted
80040805 SYNC_E_UNSYNCHRONIZED NotSynchronized
80040900 MAPI_E_NAMED_PROP_QUOTA_EXCEEDED NamedPropertyQuota
80040FFF MAPI_E_NOT_IMPLEMENTED NotImplemented
00040380 MAPI_W_ERRORS_RETURNED ErrorsReturned
00040481 MAPI_W_POSITION_CHANGED PositionChanged
00040482 MAPI_W_APPROX_COUNT ApproximateCount
00040680 MAPI_W_PARTIAL_COMPLETION PartiallyComplete
00040820 SYNC_W_PROGRESS SyncProgress
00040821 SYNC_W_CLIENT_CHANGE_NEWER NewerClientChange
0000011C ecProfileNotConfigured ProfileNotConfigured
000003EA ecJetError IsamError
000003EB ecUnknownUser UnknownUser
000003ED ecExiting Exiting
000003EE ecBadConfig BadConfiguration
000003EF ecUnknownCodePage UnknownCodePage
000003F0 ecServerOOM ServerMemory
000003F2 ecLoginPerm LoginPermission
000003F3 ecDatabaseRolledBack DatabaseRolledBack
000003F4 ecDatabaseCopiedError DatabaseCopiedError
000003F5 ecAuditNotAllowed AuditNotAllowed
000003F6 ecZombieUser ZombieUser
000003F7 ecUnconvertableACL UnconvertableACL
0000044C ecNoFreeJses NoFreeJetSessions
0000044D ecDifferentJses DifferentJetSession
0000044F ecFileRemove FileRemove
00000450 ecParameterOverflow ParameterOverflow
00000451 ecBadVersion BadVersion
00000452 ecTooManyCols TooManyColumns
00000453 ecHaveMore HaveMore
00000454 ecDatabaseError DatabaseError
00000455 ecIndexNameTooBig IndexNameTooBig
00000456 ecUnsupportedProp UnsupportedProperty
00000457 ecMsgNotSaved MessageNotSaved
00000459 ecUnpubNotif UnpublishedNotification
0000045B ecDifferentRoot DifferentRoot
0000045C ecBadFolderName BadFolderName
0000045D ecAttachOpen AttachmentOpen
0000045E ecInvClpsState InvalidCollapseState
0000045F ecSkipMyChildren SkipMyChildren
00000460 ecSearchFolder SearchFolder
00000461 ecNotSearchFolder NotSearchFolder
00000462 ecFolderSetReceive FolderSetReceive
00000463 ecNoReceiveFolder NoReceiveFolder
00000465 ecNoDelSubmitMsg DeleteSubmittedMessage
00000467 ecInvalidRecips InvalidRecipients
00000468 ecNoReplicaHere NoReplicaHere
00000469 ecNoReplicaAvailable NoReplicaAvailable
0000046A ecPublicMDB PublicDatabase
0000046B ecNotPublicMDB NotPublicDatabase
0000046C ecRecordNotFound RecordNotFound
0000046D ecReplConflict ReplicationConflict
00000470 ecFxBufferOverrun FXBufferOverrun
00000471 ecFxBufferEmpty FXBufferEmpty
00000472 ecFxPartialValue FXPartialValue
00000473 ecFxNoRoom FXNoRoom
00000474 ecMaxTimeExpired TimeExpired
00000475 ecDstError DestinationError
00000476 ecMDBNotInit DatabaseNotInitialized
00000478 ecWrongServer WrongServer
0000047D ecBufferTooSmall BufferTooSmall
0000047E ecRequiresRefResolve AttachmentResolutionRequired
0000047F ecServerPaused ServerPaused
00000480 ecServerBusy ServerBusy
00000481 ecNoSuchLogon NoSuchLogon
00000482 ecLoadLibFailed LoadLibraryFailed
00000483 ecObjAlreadyConfig AlreadyConfigured
00000484 ecObjNotConfig NotConfigured
00000485 ecDataLoss DataLoss
00000488 ecMaxSendThreadExceeded MaximumSendThreadExceeded
00000489 ecFxErrorMarker FxErrorMarker
0000048A ecNoFreeJtabs NoFreeJtabs
0000048B ecNotPrivateMDB NotPrivateDatabase
0000048C ecIsintegMDB IsIntegMDB
0000048D ecRecoveryMDBMismatch RecoveryMismatch
0000048E ecTableMayNotBeDeleted TableMayNotBeDeleted
00000490 ecSearchFolderScopeViolation SearchFolderScopeViolation
000004B1 ecRpcRegisterIf RpcRegisterIf
000004B2 ecRpcListen RpcListen
000004B6 ecRpcFormat RpcFormat
000004B7 ecNoCopyTo NoCopyTo
000004B9 ecNullObject NullObject
000004BC ecRpcAuthentication RpcAuthentication
000004BD ecRpcBadAuthenticationLevel RpcBadAuthenticationLevel
000004BE ecNullCommentRestriction NullCommentRestriction
000004CC ecRulesLoadError RulesLoadError
000004CD ecRulesDeliverErr RulesDeliverErr
000004CE ecRulesParsingErr RulesParsingErr
000004CF ecRulesCreateDaeErr RulesCreateDae
000004D0 ecRulesCreateDamErr RulesCreateDam
000004D1 ecRulesNoMoveCopyFolder RulesNoMoveCopyFolder
000004D2 ecRulesNoFolderRights RulesNoFolderRights
000004D4 ecMessageTooBig MessageTooBig
000004D5 ecFormNotValid FormNotValid
000004D6 ecNotAuthorized NotAuthorized
000004D7 ecDeleteMessage DeleteMessage
000004D8 ecBounceMessage BounceMessage
000004D9 ecQuotaExceeded QuotaExceeded
000004DA ecMaxSubmissionExceeded MaxSubmissionExceeded
000004DB ecMaxAttachmentExceeded MaxAttachmentExceeded
000004DC ecSendAsDenied SendAsDenied
000004DD ecShutoffQuotaExceeded ShutoffQuotaExceeded
000004DE ecMaxObjsExceeded TooManyOpenObjects
000004DF ecClientVerDisallowed ClientVersionBlocked
000004E0 ecRpcHttpDisallowed RpcHttpDisallowed
000004E1 ecCachedModeRequired CachedModeRequired
000004E3 ecFolderCleanedUp FolderCleanedUp
000004ED ecFmtError FormatError
000004F7 ecNotExpanded NotExpanded
000004F8 ecNotCollapsed NotCollapsed
000004F9 ecLeaf NoExpandLeafRow
000004FA ecUnregisteredNameProp UnregisteredNamedProp
000004FB ecFolderDisabled FolderDisabled
000004FC ecDomainError DomainError
000004FF ecNoCreateRight NoCreateRight
00000500 ecPublicRoot PublicRoot
00000501 ecNoReadRight NoReadRight
00000502 ecNoCreateSubfolderRight NoCreateSubfolderRight
00000503 ecDstNullObject NullDestinationObject
00000504 ecMsgCycle MessageCycle
00000505 ecTooManyRecips TooManyRecips
0000050A ecVirusScanInProgress VirusScanInProgress
0000050B ecVirusDetected VirusDetected
0000050C ecMailboxInTransit MailboxInTransit
0000050D ecBackupInProgress BackupInProgress
0000050E ecVirusMessageDeleted VirusMessageDeleted
0000050F ecInvalidBackupSequence InvalidBackupSequence
00000510 ecInvalidBackupType InvalidBackupType
00000511 ecTooManyBackupsInProgress TooManyBackups
00000512 ecRestoreInProgress RestoreInProgress
00000579 ecDuplicateObject DuplicateObject
0000057A ecObjectNotFound ObjectNotFound
0000057B ecFixupReplyRule FixupReplyRule
0000057C ecTemplateNotFound TemplateNotFound
0000057D ecRuleExecution RuleExecution
0000057E ecDSNoSuchObject DSNoSuchObject
0000057F ecMessageAlreadyTombstoned AlreadyTombstoned
00000596 ecRequiresRWTransaction ReadOnlyTransaction
0000060E ecPaused Paused
0000060F ecNotPaused NotPaused
00000648 ecWrongMailbox WrongMailbox
0000064C ecChgPassword ChangePassword
0000064D ecPwExpired PasswordExpired
0000064E ecInvWkstn InvalidWorkstation
0000064F ecInvLogonHrs InvalidLogonHours
00000650 ecAcctDisabled AccountDisabled
000006A4 ecRuleVersion RuleVersion
000006A5 ecRuleFormat RuleFormat
000006A6 ecRuleSendAsDenied RuleSendAsDenied
000006B9 ecNoServerSupport NoServerSupport
000006BA ecLockTimedOut LockTimedOut
000006BB ecObjectLocked ObjectLocked
000006BD ecInvalidLockNamespace InvalidLockNamespace
000006F7 RPC_X_BAD_STUB_DATA -
000007D6 ecMessageDeleted MessageDeleted
000007D8 ecProtocolDisabled ProtocolDisabled
000007D9 ecCleartextLogonDisabled CleartextLogonDisabled
000007EE ecRejected Rejected
0000089A ecAmbiguousAlias AmbiguousAlias
0000089B ecUnknownMailbox UnknownMailbox
000008FC ecExpReserved ExpressionReserved
000008FD ecExpParseDepth ExpressionParseDepth
000008FE ecExpFuncArgType ExpressionArgumentType
000008FF ecExpSyntax ExpressionSyntax
00000900 ecExpBadStrToken ExpressionBadStringToken
00000901 ecExpBadColToken ExpressionBadColToken
00000902 ecExpTypeMismatch ExpressionTypeMismatch
00000903 ecExpOpNotSupported ExpressionOperatorNotSupported
00000904 ecExpDivByZero ExpressionDivideByZero
00000905 ecExpUnaryArgType ExpressionUnaryArgument
00000960 ecNotLocked NotLocked
00000961 ecClientEvent ClientEvent
00000965 ecCorruptEvent CorruptEvent
00000966 ecCorruptWatermark CorruptWatermark
00000967 ecEventError EventError
00000968 ecWatermarkError WatermarkError
00000969 ecNonCanonicalACL NonCanonicalACL
0000096C ecMailboxDisabled MailboxDisabled
0000096D ecRulesFolderOverQuota RulesFolderOverQuota
0000096E ecADUnavailable AddressBookUnavailable
0000096F ecADError AddressBookError
00000970 ecNotEncrypted NotEncrypted
00000971 ecADNotFound AddressBookObjectNotFound
00000972 ecADPropertyError AddressBookPropertyError
00000973 ecRpcServerTooBusy RpcServerTooBusy
00000974 ecRpcOutOfMemory RpcOutOfMemory
00000975 ecRpcServerOutOfMemory RpcServerOutOfMemory
00000976 ecRpcOutOfResources RpcOutOfResources
00000977 ecRpcServerUnavailable RpcServerUnavailable
0000097A ecSecureSubmitError SecureSubmitError
0000097C ecEventsDeleted EventsDeleted
0000097D ecSubsystemStopping SubsystemStopping
0000097E ecSAUnavailable AttendantUnavailable
00000A28 ecCiStopping CIStopping
00000A29 ecFxInvalidState FxInvalidState
00000A2A ecFxUnexpectedMarker FxUnexpectedMarker
00000A2B ecDuplicateDelivery DuplicateDelivery
00000A2C ecConditionViolation ConditionViolation
00000A2D ecMaxPoolExceeded MaximumConnectionPoolsExceeded
00000A2E ecRpcInvalidHandle InvalidRpcHandle
00000A2F ecEventNotFound EventNotFound
00000A30 ecPropNotPromoted PropertyNotPromoted
00000A31 ecLowMdbSpace LowFreeSpaceForDatabase
00000A32 ecLowMdbLogSpace LowFreeSpaceForLogs
00000A33 ecMailboxQuarantined MailboxIsQuarantined
00000A34 ecMountInProgress DatabaseMountInProgress
00000A35 ecDismountInProgress DatabaseDismountInProgress
00000A36 ecMaxConnectionsExceeded ConnectionsOverBudget
00000A37 ecNotFoundInContainer NotFoundInContainer
00000A38 ecCannotRemove CannotRemove
00000A39 ecInvalidPool InvalidConnectionPool
00000A3A ecVirusScannerError VirusScanGeneralFailure
`;

interface Entry {
  alias: string;
  spec?: string;
}
let table: Map<number, Entry> | undefined;
function entries(): Map<number, Entry> {
  if (table) return table;
  table = new Map();
  for (const line of TABLE.split('\n')) {
    const [h, alias, spec] = line.split(' ');
    if (!h || !alias) continue;
    table.set(parseInt(h, 16), spec && spec !== '-' ? { alias, spec } : { alias });
  }
  return table;
}

/** "MAPI_E_NOT_FOUND" for 0x8004010F, "ecNullObject" for 0x000004B9; unknown codes as hex. */
export function errorCodeName(code: number): string {
  return entries().get(code >>> 0)?.alias ?? hex(code, 8);
}

/** Known alias or undefined. */
export function knownErrorName(code: number): string | undefined {
  return entries().get(code >>> 0)?.alias;
}

/** The spec's own name ("NotFound", "NullObject"), if it has one. */
export function errorCodeSpecName(code: number): string | undefined {
  return entries().get(code >>> 0)?.spec;
}

function show(v: number): string {
  const e = entries().get(v >>> 0);
  if (!e) return `${hex(v, 8)} (unknown)`;
  return `${e.alias}${e.spec && e.spec !== e.alias ? ` / ${e.spec}` : ''} (${hex(v, 8)})`;
}

/** u32 error code with its names: "MAPI_E_NOT_FOUND / NotFound (0x8004010F)". */
export const errorCode: Codec<number> = withDisplay(u32, show, 'ErrorCode');

/** The code of an alias or spec name ("ecNullObject", "NullObject", "MAPI_E_NOT_FOUND"), any case. */
export function errorCodeByName(name: string): number | undefined {
  const lower = name.toLowerCase();
  for (const [code, e] of entries())
    if (e.alias.toLowerCase() === lower || e.spec?.toLowerCase() === lower) return code;
  return undefined;
}
