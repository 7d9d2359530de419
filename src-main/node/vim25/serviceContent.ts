/**
 * ServiceInstance and ServiceContent: the entry point every client reads first, with `about` saying that
 * this is Hypervisor Lab speaking vim25, and the well-known ids of the managers the endpoint serves.
 *
 * - `MANAGER_IDS`: type → id of each singleton (`propertyCollector`, `ViewManager`, `SessionManager`…).
 * - `aboutInfo(version)`, `serviceContent(about)`.
 *
 * Rule: ServiceContent lists only managers that answer; a client finding one there may call it.
 */
import type { VimValue } from './vimValues';
import { data, ref, str } from './vimValues';
import { ROOT_FOLDER_ID } from './inventoryModel';

export const API_VERSION_VIM25 = '6.7';
/** Older versions clients may also ask for (the handshake lists them as priorVersions). */
export const PRIOR_VERSIONS = ['6.5', '6.0', '5.5', '5.1', '5.0', '4.1', '4.0'];

export const MANAGER_IDS = {
  ServiceInstance: 'ServiceInstance',
  PropertyCollector: 'propertyCollector',
  ViewManager: 'ViewManager',
  SessionManager: 'SessionManager',
  TaskManager: 'TaskManager',
  EventManager: 'EventManager',
  PerformanceManager: 'PerfMgr',
  SearchIndex: 'SearchIndex',
  AlarmManager: 'AlarmManager',
} as const;

export function aboutInfo(labVersion: string, instanceUuid: string): VimValue {
  return data('AboutInfo', {
    name: str('Hypervisor Lab'),
    fullName: str(`Hypervisor Lab ${labVersion} (vim25 endpoint, simulated datacenter)`),
    vendor: str('Hypervisor Lab'),
    version: str(labVersion),
    build: str('0'),
    localeVersion: str('INTL'),
    localeBuild: str('000'),
    osType: str('hvlab'),
    productLineId: str('hvlab'),
    apiType: str('VirtualCenter'),
    apiVersion: str(API_VERSION_VIM25),
    instanceUuid: str(instanceUuid),
  });
}

export function serviceContent(about: VimValue): VimValue {
  return data('ServiceContent', {
    rootFolder: ref('Folder', ROOT_FOLDER_ID),
    propertyCollector: ref('PropertyCollector', MANAGER_IDS.PropertyCollector),
    viewManager: ref('ViewManager', MANAGER_IDS.ViewManager),
    about,
    sessionManager: ref('SessionManager', MANAGER_IDS.SessionManager),
    taskManager: ref('TaskManager', MANAGER_IDS.TaskManager),
    perfManager: ref('PerformanceManager', MANAGER_IDS.PerformanceManager),
    eventManager: ref('EventManager', MANAGER_IDS.EventManager),
    searchIndex: ref('SearchIndex', MANAGER_IDS.SearchIndex),
    alarmManager: ref('AlarmManager', MANAGER_IDS.AlarmManager),
  });
}

/** `GET /sdk/vimServiceVersions.xml`: the version handshake pyvmomi and govmomi read before logging in. */
export function serviceVersionsXml(): string {
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<namespaces version="1.0">', ' <namespace>', '  <name>urn:vim25</name>',
    `  <version>${API_VERSION_VIM25}</version>`, '  <priorVersions>', ...PRIOR_VERSIONS.map((v) => `   <version>${v}</version>`),
    '  </priorVersions>', ' </namespace>', '</namespaces>', ''].join('\n');
}

/** `GET /sdk/vimService.wsdl`: the fallback probe; it names the vim25 namespace and the service location. */
export function serviceWsdl(location: string): string {
  return ['<?xml version="1.0" encoding="UTF-8"?>',
    '<definitions targetNamespace="urn:vim25Service" xmlns="http://schemas.xmlsoap.org/wsdl/"',
    '   xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:interface="urn:vim25">',
    '   <import location="vim.wsdl" namespace="urn:vim25"/>',
    '   <service name="VimService">',
    '      <port binding="interface:VimBinding" name="VimPort">',
    `         <soap:address location="${location}"/>`,
    '      </port>', '   </service>', '</definitions>', ''].join('\n');
}
